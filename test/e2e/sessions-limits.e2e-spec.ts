import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * Brute-force limits on sign-in. Its own platform: the limits are per gateway and per service instance,
 * and counting failures must start from zero. Each attempt names its source address (X-Forwarded-For,
 * which the gateway honours as a proxy's), so address and account limits are observed apart.
 */
describe('sign-in rate limits (R5)', () => {
  let platform: TestPlatform;
  let api: Api;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = new Api(platform);
    hospital = await api.createHospital('limits-a');
    const admin = await api.adminToken();
    for (const email of ['victim@limits-a.example', 'bystander@limits-a.example']) {
      await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/users`, {
        token: admin,
        body: { email, firstName: 'V', lastName: 'Ictim', roles: ['clinician'], password },
      });
    }
  });
  afterAll(() => platform?.close());

  const from = (address: string) => ({ 'x-forwarded-for': address });
  const login = (email: string, secret: string, address: string) =>
    api.request('POST', '/v1/auth/login', { body: { email, password: secret }, headers: from(address) });
  const issue = async (email: string) =>
    (await api.expect(201, 'POST', '/v1/users/login-token', {
      token: hospital.token,
      body: { email, firstName: 'L', lastName: 'T' },
    })) as {
      token: string;
      expiresAt: string;
    };
  const exchange = (token: string, address: string) =>
    api.request('POST', '/v1/auth/exchange', { body: { token }, headers: from(address) });

  it('password: 10 failures on one account block it (429), even for the right password from a new address', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt++) {
      statuses.push(
        (await login('victim@limits-a.example', `guess ${attempt} guess`, `203.0.113.${attempt + 1}`)).status,
      );
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    const right = await login('VICTIM@limits-a.example', password, '203.0.113.200');
    expect(right.status).toBe(429);
    expect(right.body.code).toBe('RATE_LIMITED');
    expect((await login('bystander@limits-a.example', password, '203.0.113.1')).status).toBe(200);
  });

  it('password: 30 failures from one address block that address (429), not others', async () => {
    for (let attempt = 0; attempt < 30; attempt++) {
      const response = await login(`nobody-${attempt}@limits-a.example`, 'wrong password', '192.0.2.10');
      expect(response.status).toBe(401);
    }
    const blocked = await login('bystander@limits-a.example', password, '192.0.2.10');
    expect(blocked.status).toBe(429);
    expect((await login('bystander@limits-a.example', password, '192.0.2.11')).status).toBe(200);
  });

  it('exchange: 30 failures from one address block it, without spending the valid token tried next', async () => {
    for (let attempt = 0; attempt < 30; attempt++) {
      expect((await exchange(`clt_guess${attempt}`, '192.0.2.20')).status).toBe(401);
    }
    const { token } = await issue('new.user@limits-a.example');
    const blocked = await exchange(token, '192.0.2.20');
    expect(blocked.status).toBe(429);
    expect((await exchange(token, '192.0.2.21')).status).toBe(200);
  });

  it("exchange: 10 failed redemptions of one user's links block that user (429), not others", async () => {
    const { token: used } = await issue('replayed@limits-a.example');
    expect((await exchange(used, '198.51.100.1')).status).toBe(200);
    for (let attempt = 0; attempt < 10; attempt++) {
      expect((await exchange(used, `198.51.100.${attempt + 2}`)).status).toBe(401);
    }
    const fresh = await issue('replayed@limits-a.example');
    const blocked = await exchange(fresh.token, '198.51.100.50');
    expect(blocked.status).toBe(429);
    const other = await issue('other.user@limits-a.example');
    expect((await exchange(other.token, '198.51.100.51')).status).toBe(200);
  });
});
