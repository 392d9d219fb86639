import { randomUUID } from 'node:crypto';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('auth (R5) and tenant isolation (R4)', () => {
  let platform: TestPlatform;
  let api: Api;
  let hospitalA: Awaited<ReturnType<Api['createHospital']>>;
  let hospitalB: Awaited<ReturnType<Api['createHospital']>>;
  let patientA: { id: string; careFlows: { id: string }[] };

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = new Api(platform);
    hospitalA = await api.createHospital('tenant-a');
    hospitalB = await api.createHospital('tenant-b');
    patientA = await api.expect(201, 'POST', '/v1/patients', {
      token: hospitalA.token,
      body: {
        patientCode: 'A-1',
        firstName: 'An',
        lastName: 'Peeters',
        careFlow: { definitionKey: 'knee-replacement', baseline: { surgeryDate: '2026-12-01' } },
      },
    });
  });
  afterAll(() => platform?.close());

  describe('token endpoint', () => {
    it('issues a bearer token for client credentials sent as a form, JSON or HTTP Basic', async () => {
      const form = await api.request('POST', '/v1/oauth/token', {
        rawBody: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: hospitalA.clientId,
          client_secret: hospitalA.clientSecret,
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).toBe(200);
      expect(form.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
      expect(form.body.scope.split(' ')).toEqual(expect.arrayContaining(['patients:write', 'imports']));
      const basic = await api.request('POST', '/v1/oauth/token', {
        body: { grant_type: 'client_credentials' },
        headers: {
          authorization: `Basic ${Buffer.from(`${hospitalA.clientId}:${hospitalA.clientSecret}`).toString('base64')}`,
        },
      });
      expect(basic.status).toBe(200);
    });

    it('refuses a wrong secret, an unknown client and another grant type', async () => {
      const wrong = await api.request('POST', '/v1/oauth/token', {
        body: { grant_type: 'client_credentials', client_id: hospitalA.clientId, client_secret: 'nope' },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('INVALID_CLIENT');
      const unknown = await api.request('POST', '/v1/oauth/token', {
        body: { grant_type: 'client_credentials', client_id: 'cb_unknown', client_secret: 'nope' },
      });
      expect(unknown.status).toBe(401);
      const grant = await api.request('POST', '/v1/oauth/token', {
        body: {
          grant_type: 'password',
          client_id: hospitalA.clientId,
          client_secret: hospitalA.clientSecret,
        },
      });
      expect(grant.status).toBe(400);
    });

    it('rate-limits brute force on one client, even once the right secret is tried', async () => {
      const admin = await api.adminToken();
      const client = await api.expect(201, 'POST', `/v1/admin/hospitals/${hospitalB.id}/api-clients`, {
        token: admin,
        body: { name: 'victim', scopes: ['patients:read'] },
      });
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 12; attempt++) {
        const response = await api.request('POST', '/v1/oauth/token', {
          body: {
            grant_type: 'client_credentials',
            client_id: client.clientId,
            client_secret: `guess-${attempt}`,
          },
        });
        statuses.push(response.status);
      }
      expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429]);
      const right = await api.request('POST', '/v1/oauth/token', {
        body: {
          grant_type: 'client_credentials',
          client_id: client.clientId,
          client_secret: client.clientSecret,
        },
      });
      expect(right.status).toBe(429);
      expect(right.body.code).toBe('RATE_LIMITED');
    });
  });

  describe('bearer tokens', () => {
    const claims = () => ({
      sub: hospitalA.clientId,
      kind: 'client',
      hid: hospitalA.id,
      scope: 'patients:read',
    });

    it.each([
      ['no token', () => undefined],
      ['garbage', () => 'not.a.jwt'],
      ['alg none', () => unsignedToken(claims())],
      ['wrong key', (a: Api) => a.forgeToken(claims(), { secret: 'x'.repeat(40) })],
      ['expired', (a: Api) => a.forgeToken(claims(), { expiresIn: -60 })],
      ['wrong audience', (a: Api) => a.forgeToken(claims(), { audience: 'another-api' })],
      ['wrong issuer', (a: Api) => a.forgeToken(claims(), { issuer: 'someone-else' })],
      [
        'HS512 instead of the pinned ES256',
        (a: Api) => a.forgeToken(claims(), { algorithm: 'HS512', secret: 'x'.repeat(64) }),
      ],
    ])('refuses %s with 401 problem+json', async (_name, makeToken) => {
      const response = await api.request('POST', '/v1/patients/search', {
        token: makeToken(api),
        body: { patientCode: 'A-1' },
      });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    });

    it('accepts a correctly signed token and refuses one without the needed scope (403)', async () => {
      const ok = await api.request('POST', '/v1/patients/search', {
        token: api.forgeToken(claims()),
        body: { patientCode: 'A-1' },
      });
      expect(ok.status).toBe(200);
      expect(ok.body.total).toBe(1);
      const readOnly = await api.request('POST', '/v1/patients', {
        token: api.forgeToken(claims()),
        body: { patientCode: 'A-2', firstName: 'X', lastName: 'Y' },
      });
      expect(readOnly.status).toBe(403);
      expect(readOnly.body.code).toBe('INSUFFICIENT_SCOPE');
    });

    it('keeps admin endpoints for admin tokens and hospital endpoints for hospital tokens', async () => {
      const asHospital = await api.request('GET', '/v1/admin/hospitals', { token: hospitalA.token });
      expect(asHospital.status).toBe(403);
      const asAdmin = await api.request('POST', '/v1/patients/search', {
        token: await api.adminToken(),
        body: { patientCode: 'A-1' },
      });
      expect(asAdmin.status).toBe(403);
    });
  });

  describe("another hospital's ids", () => {
    it('are 404 on every patient and care-flow endpoint, and nothing changes', async () => {
      const careFlowId = patientA.careFlows[0].id;
      const probes: [string, string, unknown?][] = [
        ['GET', `/v1/patients/${patientA.id}`],
        [
          'POST',
          `/v1/patients/${patientA.id}/care-flows`,
          { definitionKey: 'knee-replacement', baseline: { surgeryDate: '2026-12-01' } },
        ],
        ['PATCH', `/v1/care-flows/${careFlowId}/baseline`, { baseline: { side: 'L' } }],
        ['POST', `/v1/care-flows/${careFlowId}/stop`, { reason: 'probe' }],
      ];
      for (const [method, path, body] of probes) {
        const response = await api.request(method, path, { token: hospitalB.token, body });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
        expect(JSON.stringify(response.body)).not.toContain('Peeters');
      }
      const search = await api.expect(200, 'POST', '/v1/patients/search', {
        token: hospitalB.token,
        body: { patientCode: 'A-1' },
      });
      expect(search.total).toBe(0);
      const list = await api.expect(200, 'GET', '/v1/patients', { token: hospitalB.token });
      expect(list.patients.map((p: { id: string }) => p.id)).not.toContain(patientA.id);
      const unchanged = await api.expect(200, 'GET', `/v1/patients/${patientA.id}`, {
        token: hospitalA.token,
      });
      expect(unchanged.careFlows).toEqual([
        expect.objectContaining({ status: 'active', baseline: { surgeryDate: '2026-12-01' } }),
      ]);
    });

    it('upserting the same patientCode in another hospital makes a separate patient', async () => {
      const other = await api.request('POST', '/v1/patients', {
        token: hospitalB.token,
        body: { patientCode: 'A-1', firstName: 'Other', lastName: 'Person' },
      });
      expect(other.status).toBe(201);
      expect(other.body.id).not.toBe(patientA.id);
    });

    it('unknown and malformed ids are 404 too', async () => {
      expect(
        (await api.request('GET', `/v1/patients/${randomUUID()}`, { token: hospitalA.token })).status,
      ).toBe(404);
      expect((await api.request('GET', '/v1/patients/not-a-uuid', { token: hospitalA.token })).status).toBe(
        404,
      );
    });

    it('physicians and definitions of another hospital are invisible and unusable', async () => {
      const physicians = await api.expect(200, 'GET', '/v1/physicians', { token: hospitalB.token });
      expect(physicians.map((p: { id: string }) => p.id)).not.toContain(hospitalA.physicianId);
      const crossPhysician = await api.request('POST', '/v1/patients', {
        token: hospitalB.token,
        body: {
          patientCode: 'B-9',
          firstName: 'B',
          lastName: 'Nine',
          careFlow: {
            definitionKey: 'knee-replacement',
            physicianId: hospitalA.physicianId,
            baseline: { surgeryDate: '2026-12-01' },
          },
        },
      });
      expect(crossPhysician.status).toBe(422);
      expect(crossPhysician.body.code).toBe('PHYSICIAN_NOT_FOUND');
    });
  });
});

function unsignedToken(claims: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({
    ...claims,
    iss: 'careflow-bridge',
    aud: 'careflow-bridge-api',
    iat: now,
    exp: now + 600,
  })}.`;
}
