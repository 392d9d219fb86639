import fc from 'fast-check';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('platform admin, health, OpenAPI and bad input (R6)', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = new Api(platform);
    admin = await api.adminToken();
  });
  afterAll(() => platform?.close());

  it('creates and lists hospitals; a taken key is 409 and a bad key 400', async () => {
    const created = await api.expect(201, 'POST', '/v1/admin/hospitals', { token: admin, body: { key: 'az-groeninge', name: 'AZ Groeninge' } });
    expect(created).toMatchObject({ id: expect.any(String), key: 'az-groeninge', name: 'AZ Groeninge' });
    const list = await api.expect(200, 'GET', '/v1/admin/hospitals', { token: admin });
    expect(list.map((h: { key: string }) => h.key)).toContain('az-groeninge');
    const taken = await api.request('POST', '/v1/admin/hospitals', { token: admin, body: { key: 'az-groeninge', name: 'Again' } });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('HOSPITAL_KEY_TAKEN');
    const bad = await api.request('POST', '/v1/admin/hospitals', { token: admin, body: { key: 'Not A Key!', name: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['key', 'name']);
  });

  it('shows an API client secret once, never grants admin to hospital clients, and 404s unknown hospitals', async () => {
    const hospital = await api.expect(201, 'POST', '/v1/admin/hospitals', { token: admin, body: { key: 'clients-h', name: 'H' } });
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
    const unknown = await api.request('POST', '/v1/admin/hospitals/00000000-0000-4000-8000-000000000000/api-clients', {
      token: admin,
      body: { name: 'EMR', scopes: ['patients:write'] },
    });
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
    expect(Object.keys(health.services).sort()).toEqual(['hl7-gateway', 'patient-import', 'siu-ingestor', 'user-provisioning']);
    for (const check of Object.values(health.services) as { ok: boolean }[]) expect(check.ok).toBe(true);
  });

  it('serves the OpenAPI document and its UI', async () => {
    const document = await api.expect(200, 'GET', '/docs-json');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/patients', '/v1/patients/search', '/v1/oauth/token', '/v1/admin/hospitals']),
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
            fc.record({ definitionKey: fc.constantFrom('knee-replacement', 'nope'), baseline: fc.dictionary(fc.string(), fc.jsonValue()) }),
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
    const written = await api.expect(200, 'POST', '/v1/patients/search', { token: hospital.token, body: { patientCode: 'FZ-1' } });
    for (const patient of written.patients) expect(patient.firstName).toEqual(expect.any(String));
  });
});
