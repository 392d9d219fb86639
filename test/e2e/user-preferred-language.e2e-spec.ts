import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/** A user's preferredLanguage: set on create and PATCH, cleared with null, in the session the Care app reads. */
describe('user preferredLanguage', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
    hospital = await api.createHospital('lang-a');
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('is stored, changed, cleared and shown in GET /v1/auth/session', async () => {
    const user = await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/users`, {
      token: admin,
      body: {
        email: 'nurse@lang-a.example',
        firstName: 'An',
        lastName: 'Peeters',
        roles: ['clinician'],
        password,
        preferredLanguage: 'nl-BE',
      },
    });
    expect(user.preferredLanguage).toBe('nl-BE');
    const login = await api.expect(200, 'POST', '/v1/auth/login', {
      body: { email: 'nurse@lang-a.example', password },
    });
    const session = await api.expect(200, 'GET', '/v1/auth/session', { token: login.sessionToken });
    expect(session.user.preferredLanguage).toBe('nl-BE');

    const patched = await api.expect(200, 'PATCH', `/v1/admin/hospitals/${hospital.id}/users/${user.id}`, {
      token: admin,
      body: { preferredLanguage: 'fr' },
    });
    expect(patched.preferredLanguage).toBe('fr');
    const cleared = await api.expect(200, 'PATCH', `/v1/admin/hospitals/${hospital.id}/users/${user.id}`, {
      token: admin,
      body: { preferredLanguage: null },
    });
    expect(cleared.preferredLanguage).toBeUndefined();

    for (const preferredLanguage of ['dutch language', 'n', 'nl_BE']) {
      const refused = await api.request('PATCH', `/v1/admin/hospitals/${hospital.id}/users/${user.id}`, {
        token: admin,
        body: { preferredLanguage },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ field: 'preferredLanguage', message: expect.any(String) }]);
    }
  });
});
