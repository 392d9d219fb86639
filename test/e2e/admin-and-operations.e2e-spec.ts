import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Api } from '../support/api';
import { anyNode, controlText, poisoned, toJson, type JsonNode } from '../support/poisoned-json';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('platform admin, health, OpenAPI and bad input (R6)', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
  });
  afterAll(() => platform?.close());

  it('creates and lists hospitals; a taken key is 409 and a bad key 400', async () => {
    const created = await api.expect(201, 'POST', '/v1/admin/hospitals', {
      token: admin,
      body: { key: 'az-groeninge', name: 'AZ Groeninge' },
    });
    expect(created).toMatchObject({ id: expect.any(String), key: 'az-groeninge', name: 'AZ Groeninge' });
    const list = await api.expect(200, 'GET', '/v1/admin/hospitals', { token: admin });
    expect(list.map((h: { key: string }) => h.key)).toContain('az-groeninge');
    const taken = await api.request('POST', '/v1/admin/hospitals', {
      token: admin,
      body: { key: 'az-groeninge', name: 'Again' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('HOSPITAL_KEY_TAKEN');
    const bad = await api.request('POST', '/v1/admin/hospitals', {
      token: admin,
      body: { key: 'Not A Key!', name: '' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['key', 'name']);
  });

  it('shows an API client secret once, never grants admin to hospital clients, and 404s unknown hospitals', async () => {
    const hospital = await api.expect(201, 'POST', '/v1/admin/hospitals', {
      token: admin,
      body: { key: 'clients-h', name: 'H' },
    });
    const client = await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/api-clients`, {
      token: admin,
      body: { name: 'EMR', scopes: ['patients:write'] },
    });
    expect(client.clientSecret).toMatch(/^cbs_/);
    const token = await api.token(client.clientId, client.clientSecret);
    expect(token).toEqual(expect.any(String));
    const adminScope = await api.request('POST', `/v1/admin/hospitals/${hospital.id}/api-clients`, {
      token: admin,
      body: { name: 'Sneaky', scopes: ['admin'] },
    });
    expect(adminScope.status).toBe(400);
    const unknown = await api.request(
      'POST',
      '/v1/admin/hospitals/00000000-0000-4000-8000-000000000000/api-clients',
      {
        token: admin,
        body: { name: 'EMR', scopes: ['patients:write'] },
      },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('HOSPITAL_NOT_FOUND');
  });

  it('refuses duplicate care-flow definition keys and duplicate users', async () => {
    const hospital = await api.createHospital('dupes-h');
    const again = await api.request('POST', `/v1/admin/hospitals/${hospital.id}/care-flow-definitions`, {
      token: admin,
      body: { key: 'knee-replacement', title: 'Again', baseline: [] },
    });
    expect(again.status).toBe(409);
    const user = await api.request('POST', `/v1/admin/hospitals/${hospital.id}/users`, {
      token: admin,
      body: { email: 'DR.DUPES-H@example.org', firstName: 'J', lastName: 'J', roles: ['physician'] },
    });
    expect(user.status).toBe(409);
    expect(user.body.code).toBe('USER_EMAIL_TAKEN');
  });

  it('reports health of the broker and every service database', async () => {
    const health = await api.expect(200, 'GET', '/health');
    expect(health.status).toBe('ok');
    expect(health.broker.ok).toBe(true);
    expect(Object.keys(health.services).sort()).toEqual([
      'hl7-gateway',
      'notifier',
      'patient-import',
      'siu-ingestor',
      'user-provisioning',
    ]);
    for (const check of Object.values(health.services) as { ok: boolean }[]) expect(check.ok).toBe(true);
  });

  it('serves the OpenAPI document and its UI', async () => {
    const document = await api.expect(200, 'GET', '/docs-json');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/patients',
        '/v1/patients/search',
        '/v1/oauth/token',
        '/v1/admin/hospitals',
      ]),
    );
    const ui = await api.request('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(String(ui.body)).toContain('swagger');
  });

  it('unknown routes are problem+json 404', async () => {
    const response = await api.request('GET', '/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.code).toBe('NOT_FOUND');
  });

  it('answers random bodies with 2xx, 400 or 422 problem+json — never 500 — and writes no half patient', async () => {
    const hospital = await api.createHospital('fuzz-h');
    const anyJson = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          patientCode: fc.oneof(fc.string(), fc.integer(), fc.constant('FZ-1')),
          firstName: fc.oneof(fc.string(), fc.constant(null)),
          lastName: fc.string(),
          birthDate: fc.oneof(fc.string(), fc.constantFrom('1985', '1985-07', '1985-07-14', '85-7-14')),
          sex: fc.oneof(fc.string(), fc.constantFrom('male', 'female', 'other', 'unknown')),
          address: fc.oneof(fc.jsonValue(), fc.record({ city: fc.string() })),
          careFlow: fc.oneof(
            fc.jsonValue(),
            fc.record({
              definitionKey: fc.constantFrom('knee-replacement', 'nope'),
              baseline: fc.dictionary(fc.string(), fc.jsonValue()),
            }),
          ),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(anyJson, async (body) => {
        const response = await api.request('POST', '/v1/patients', { token: hospital.token, body });
        if (response.status >= 300) {
          expect([400, 422]).toContain(response.status);
          expect(response.headers.get('content-type')).toContain('application/problem+json');
          expect(response.body.code).toEqual(expect.any(String));
        }
      }),
      { numRuns: 150 },
    );
    const written = await api.expect(200, 'POST', '/v1/patients/search', {
      token: hospital.token,
      body: { patientCode: 'FZ-1' },
    });
    for (const patient of written.patients) expect(patient.firstName).toEqual(expect.any(String));
  });

  describe('prototype keys, empty keys, deep nesting and control characters on every endpoint (R6, issue 10)', () => {
    const SCIM = 'urn:ietf:params:scim:schemas:core:2.0:User';
    type Endpoint = { method: string; path: string; token: () => string; valid: unknown; scim?: boolean };
    let endpoints: Endpoint[];
    let hospital: Awaited<ReturnType<Api['createHospital']>>;
    let scimToken: string;

    beforeAll(async () => {
      hospital = await api.createHospital('poison-h');
      scimToken = (await api.createHospital('poison-scim', ['scim', 'users:write'])).token;
      const created = await api.expect(201, 'POST', '/v1/patients', {
        token: hospital.token,
        body: {
          patientCode: 'POISON-BASE',
          firstName: 'P',
          lastName: 'B',
          careFlow: {
            definitionKey: 'knee-replacement',
            physicianId: hospital.physicianId,
            baseline: { surgeryDate: '2026-12-02' },
          },
        },
      });
      const careFlowId = created.careFlows[0].id as string;
      const userId = hospital.physicianId;
      const h = `/v1/admin/hospitals/${hospital.id}`;
      const asAdmin = () => admin;
      const asHospital = () => hospital.token;
      const person = {
        email: 'poison@fuzz.example',
        firstName: 'Poi',
        lastName: 'Son',
        roles: ['clinician'],
      };
      const patient = {
        patientCode: 'POISON-1',
        firstName: 'Poi',
        lastName: 'Son',
        address: { city: 'Gent' },
        identifiers: [{ system: 's', value: 'v' }],
        careFlow: { definitionKey: 'knee-replacement', baseline: { surgeryDate: '2026-12-02' } },
      };
      const scimUser = {
        schemas: [SCIM],
        userName: 'poison@fuzz.example',
        name: { givenName: 'P', familyName: 'S' },
        emails: [{ value: 'poison@fuzz.example' }],
        active: true,
      };
      endpoints = [
        {
          method: 'POST',
          path: '/v1/admin/hospitals',
          token: asAdmin,
          valid: { key: 'poison-new', name: 'Poison' },
        },
        {
          method: 'POST',
          path: `${h}/api-clients`,
          token: asAdmin,
          valid: { name: 'poison', scopes: ['patients:read'] },
        },
        {
          method: 'POST',
          path: `${h}/care-flow-definitions`,
          token: asAdmin,
          valid: { key: 'poison-def', title: 'P', baseline: [{ key: 'a', type: 'string', required: false }] },
        },
        {
          method: 'POST',
          path: `${h}/users`,
          token: asAdmin,
          valid: { ...person, password: 'long enough password' },
        },
        {
          method: 'PUT',
          path: `${h}/connections/hl7`,
          token: asAdmin,
          valid: { host: 'hospital.example', port: 2575, queryStyle: 'QRY_A19' },
        },
        {
          method: 'PUT',
          path: `${h}/connections/webservice`,
          token: asAdmin,
          valid: {
            flavor: 'custom',
            baseUrl: 'https://hospital.example',
            custom: { pathTemplate: '/p/{patientCode}', resultsPath: 'data', fields: { patientCode: 'id' } },
          },
        },
        { method: 'PUT', path: `${h}/import-source`, token: asAdmin, valid: { source: 'hl7' } },
        {
          method: 'PUT',
          path: `${h}/connections/siu`,
          token: asAdmin,
          valid: {
            source: { kind: 'directory', path: '/nowhere', filePattern: '*.hl7' },
            schedule: { times: ['06:00'] },
          },
        },
        { method: 'POST', path: '/v1/patients', token: asHospital, valid: patient },
        {
          method: 'POST',
          path: '/v1/patients/search',
          token: asHospital,
          valid: { patientCode: 'POISON-1', identifier: { system: 's', value: 'v' } },
        },
        {
          method: 'POST',
          path: `/v1/patients/${created.id}/care-flows`,
          token: asHospital,
          valid: {
            definitionKey: 'knee-replacement',
            physicianId: hospital.physicianId,
            baseline: { surgeryDate: '2026-12-03' },
          },
        },
        {
          method: 'PATCH',
          path: `/v1/care-flows/${careFlowId}/baseline`,
          token: asHospital,
          valid: { baseline: { side: 'left' } },
        },
        {
          method: 'POST',
          path: `/v1/care-flows/${careFlowId}/stop`,
          token: asHospital,
          valid: { reason: 'poison' },
        },
        { method: 'POST', path: '/v1/imports', token: asHospital, valid: { patientCode: 'POISON-1' } },
        {
          method: 'POST',
          path: `/v1/imports/${randomUUID()}/confirm`,
          token: asHospital,
          valid: {
            physicianId: hospital.physicianId,
            careFlow: { definitionKey: 'knee-replacement', baseline: {} },
          },
        },
        { method: 'POST', path: '/v1/users', token: asHospital, valid: person },
        {
          method: 'POST',
          path: '/v1/users/login-token',
          token: asHospital,
          valid: { ...person, patientCode: 'POISON-1' },
        },
        {
          method: 'PATCH',
          path: `/v1/users/${userId}`,
          token: asHospital,
          valid: { firstName: 'Poisoned', roles: ['physician'] },
        },
        {
          method: 'POST',
          path: '/v1/oauth/token',
          token: () => '',
          valid: { grant_type: 'client_credentials', client_id: 'poison', client_secret: 'poison' },
        },
        {
          method: 'POST',
          path: '/v1/auth/login',
          token: () => '',
          valid: { email: 'poison@fuzz.example', password: 'poison password' },
        },
        { method: 'POST', path: '/v1/auth/exchange', token: () => '', valid: { token: 'clt_poison' } },
        { method: 'POST', path: '/scim/v2/Users', token: () => scimToken, valid: scimUser, scim: true },
        {
          method: 'PUT',
          path: `/scim/v2/Users/${randomUUID()}`,
          token: () => scimToken,
          valid: scimUser,
          scim: true,
        },
        {
          method: 'PATCH',
          path: `/scim/v2/Users/${randomUUID()}`,
          token: () => scimToken,
          valid: {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [
              { op: 'replace', path: 'name.givenName', value: 'P' },
              { op: 'add', value: { active: false } },
            ],
          },
          scim: true,
        },
      ];
    });

    const send = (endpoint: Endpoint, node: JsonNode) =>
      api.request(endpoint.method, endpoint.path, {
        token: endpoint.token() || undefined,
        rawBody: toJson(node),
        headers: { 'content-type': endpoint.scim ? 'application/scim+json' : 'application/json' },
      });

    /** 400 in the channel's own error format: problem+json, or the SCIM error schema on /scim. */
    const expectRefused = (
      endpoint: Endpoint,
      response: { status: number; body: any; headers: Headers },
      node: JsonNode,
    ) => {
      const seen = {
        endpoint: `${endpoint.method} ${endpoint.path}`,
        status: response.status,
        body: response.body,
      };
      if (response.status !== 400)
        throw new Error(
          `not refused with 400: ${JSON.stringify(seen).slice(0, 800)} for ${toJson(node).slice(0, 300)}`,
        );
      if (endpoint.scim) {
        expect(response.headers.get('content-type')).toContain('application/scim+json');
        expect(response.body).toMatchObject({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: '400',
        });
      } else {
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.body.code).toBe('VALIDATION_FAILED');
      }
    };

    it('refuses a valid body with constructor / prototype / __proto__ planted anywhere, or nested too deep, with 400', async () => {
      for (const endpoint of endpoints) {
        await fc.assert(
          fc.asyncProperty(poisoned(endpoint.valid), async (node) =>
            expectRefused(endpoint, await send(endpoint, node), node),
          ),
          { numRuns: 12 },
        );
      }
    });

    it('answers any JSON with bad keys, empty keys and control characters with 2xx or 4xx in the channel format, never 500', async () => {
      for (const endpoint of endpoints) {
        await fc.assert(
          fc.asyncProperty(anyNode, async (node) => {
            const response = await send(endpoint, node);
            const seen = {
              endpoint: `${endpoint.method} ${endpoint.path}`,
              status: response.status,
              body: toJson(node).slice(0, 300),
            };
            expect({ ...seen, server: response.status >= 500 }).toEqual({ ...seen, server: false });
            if (response.status >= 400 && response.status !== 404) {
              expect(response.headers.get('content-type')).toContain(
                endpoint.scim ? 'application/scim+json' : 'application/problem+json',
              );
            }
          }),
          { numRuns: 12 },
        );
      }
    });

    it('refuses control characters in every lookup and push field with 400', async () => {
      const fields: [string, (text: string) => unknown][] = [
        ['/v1/patients', (text) => ({ patientCode: text, firstName: 'A', lastName: 'B' })],
        [
          '/v1/patients',
          (text) => ({ patientCode: 'POISON-2', firstName: 'A', lastName: 'B', address: { street: text } }),
        ],
        ['/v1/patients/search', (text) => ({ patientCode: text })],
        ['/v1/imports', (text) => ({ patientCode: text })],
        ['/v1/imports', (text) => ({ visitNumber: text })],
        [
          '/v1/users',
          (text) => ({ email: 'poison2@fuzz.example', firstName: text, lastName: 'B', roles: ['clinician'] }),
        ],
      ];
      for (const [path, body] of fields) {
        const endpoint = endpoints.find(
          (candidate) => candidate.path === path && candidate.method === 'POST',
        )!;
        await fc.assert(
          fc.asyncProperty(controlText, async (text) => {
            const node: JsonNode = { kind: 'raw', value: null };
            const response = await api.request('POST', path, { token: endpoint.token(), body: body(text) });
            expectRefused(endpoint, response, node);
          }),
          { numRuns: 10 },
        );
      }
    });

    it('wrote nothing from a refused body: no patient, user, hospital or SCIM user of the poisoned bodies', async () => {
      for (const patientCode of ['POISON-1', 'POISON-2']) {
        const found = await api.expect(200, 'POST', '/v1/patients/search', {
          token: hospital.token,
          body: { patientCode },
        });
        expect({ patientCode, total: found.total }).toEqual({ patientCode, total: 0 });
      }
      const users = await api.expect(200, 'GET', '/v1/users', { token: hospital.token });
      const list = (Array.isArray(users) ? users : users.users) as { email: string; firstName: string }[];
      expect(list.filter((user) => /fuzz\.example$/.test(user.email))).toEqual([]);
      expect(list.filter((user) => user.firstName === 'Poisoned')).toEqual([]);
      const hospitals = await api.expect(200, 'GET', '/v1/admin/hospitals', { token: admin });
      expect(hospitals.map((h: { key: string }) => h.key)).not.toContain('poison-new');
      const scimUsers = await api.request(
        'GET',
        '/scim/v2/Users?filter=userName%20eq%20%22poison%40fuzz.example%22',
        { token: scimToken },
      );
      expect(scimUsers.body.totalResults).toBe(0);
    });
  });
});
