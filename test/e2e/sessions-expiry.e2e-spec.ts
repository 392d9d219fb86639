import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/** Its own platform: login tokens live LOGIN_TOKEN_TTL_SECONDS=2 here instead of minutes. */
describe('login-token expiry (R5)', () => {
  let platform: TestPlatform;
  let api: Api;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;

  beforeAll(async () => {
    process.env.LOGIN_TOKEN_TTL_SECONDS = '2';
    platform = await startTestPlatform();
    api = new Api(platform);
    hospital = await api.createHospital('expiry-a');
  });
  afterAll(() => platform?.close());

  const issue = async () =>
    (await api.expect(201, 'POST', '/v1/users/login-token', {
      token: hospital.token,
      body: { email: 'expiry@expiry-a.example', firstName: 'Ex', lastName: 'Piry' },
    })) as { token: string; expiresAt: string };
  const exchange = (token: string) => api.request('POST', '/v1/auth/exchange', { body: { token } });

  it('redeems a token within its lifetime (the control) and refuses one past it with 401', async () => {
    const control = await issue();
    expect((await exchange(control.token)).status).toBe(200);
    const expiring = await issue();
    expect(Date.parse(expiring.expiresAt) - Date.now()).toBeLessThanOrEqual(2_000);
    // Waiting for the clock is the behaviour under test here, not synchronisation with the platform.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, Date.parse(expiring.expiresAt) - Date.now()) + 200),
    );
    const expired = await exchange(expiring.token);
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('LOGIN_TOKEN_INVALID');
  });
});
