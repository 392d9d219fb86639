import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * Failed-attempt limits (R5, issue 10): per credential *and* source address, so a correct credential
 * from a source that did not fail is never refused because someone else failed. Its own platform: the
 * limits are per gateway, and counting must start from zero. The test client is the trusted proxy
 * (TRUST_PROXY=127.0.0.1), so each attempt names its source address in X-Forwarded-For.
 */
describe('failed-attempt limits behind a trusted proxy (R5, issue 10)', () => {
  let platform: TestPlatform;
  let api: Api;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    platform = await startTestPlatform({ TRUST_PROXY: '127.0.0.1' });
    api = new Api(platform);
    hospital = await api.createHospital('limits-a');
    const admin = await api.adminToken();
    for (const email of [
      'victim@limits-a.example',
      'spread@limits-a.example',
      'bystander@limits-a.example',
    ]) {
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
    })) as { token: string; expiresAt: string };
  const exchange = (token: string, address: string) =>
    api.request('POST', '/v1/auth/exchange', { body: { token }, headers: from(address) });
  const token = (clientId: string, clientSecret: string, address: string) =>
    api.request('POST', '/v1/oauth/token', {
      body: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
      headers: from(address),
    });

  it('password: 10 failures on one account from one address block that pair (429 + Retry-After); the right password from another address works', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt++) {
      statuses.push((await login('victim@limits-a.example', `guess ${attempt} guess`, '203.0.113.1')).status);
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    const blocked = await login('victim@limits-a.example', password, '203.0.113.1');
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login('VICTIM@limits-a.example', password, '203.0.113.200')).status).toBe(200);
  });

  it('password: failures spread over many addresses never lock the account out', async () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      expect(
        (await login('spread@limits-a.example', `guess ${attempt}`, `198.18.0.${attempt + 1}`)).status,
      ).toBe(401);
    }
    expect((await login('spread@limits-a.example', password, '198.18.1.1')).status).toBe(200);
    expect((await login('spread@limits-a.example', password, '198.18.0.1')).status).toBe(200);
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

  it('password: an IPv6 source counts by its /64, so rotating within it does not escape the limit', async () => {
    for (let attempt = 0; attempt < 30; attempt++) {
      const response = await login(
        `v6-${attempt}@limits-a.example`,
        'wrong password',
        `2001:db8:aa:1::${(attempt + 1).toString(16)}`,
      );
      expect(response.status).toBe(401);
    }
    expect((await login('bystander@limits-a.example', password, '2001:db8:aa:1:ffff::1')).status).toBe(429);
    expect((await login('bystander@limits-a.example', password, '2001:db8:aa:2::1')).status).toBe(200);
  });

  it('exchange: 30 failures from one address block it, without spending the valid token tried next', async () => {
    for (let attempt = 0; attempt < 30; attempt++) {
      expect((await exchange(`clt_guess${attempt}`, '192.0.2.20')).status).toBe(401);
    }
    const { token: link } = await issue('new.user@limits-a.example');
    const blocked = await exchange(link, '192.0.2.20');
    expect(blocked.status).toBe(429);
    expect((await exchange(link, '192.0.2.21')).status).toBe(200);
  });

  it("exchange: replays of a spent link never block the user's fresh links", async () => {
    const { token: used } = await issue('replayed@limits-a.example');
    expect((await exchange(used, '198.51.100.1')).status).toBe(200);
    for (let attempt = 0; attempt < 10; attempt++) {
      expect((await exchange(used, `198.51.100.${attempt + 2}`)).status).toBe(401);
    }
    for (let attempt = 0; attempt < 11; attempt++) await exchange(used, '198.51.100.99');
    expect((await exchange(used, '198.51.100.99')).status).toBe(429);
    const fresh = await issue('replayed@limits-a.example');
    expect((await exchange(fresh.token, '198.51.100.50')).status).toBe(200);
    const again = await issue('replayed@limits-a.example');
    expect((await exchange(again.token, '198.51.100.99')).status).toBe(200);
  });

  it("token: 10 wrong secrets for an EMR's client never lock it out from its own address", async () => {
    const admin = await api.adminToken();
    const client = await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/api-clients`, {
      token: admin,
      body: { name: 'victim EMR', scopes: ['patients:read'] },
    });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      statuses.push((await token(client.clientId, `guess-${attempt}`, '203.0.113.66')).status);
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    expect((await token(client.clientId, client.clientSecret, '203.0.113.66')).status).toBe(429);
    const emr = await token(client.clientId, client.clientSecret, '10.20.30.40');
    expect(emr.status).toBe(200);
    expect(emr.body.access_token).toEqual(expect.any(String));
  });

  it('token: malformed Basic credentials are 401 INVALID_CLIENT problem+json, never 500', async () => {
    for (const authorization of [
      `Basic ${Buffer.from('cl_x:%E0%A4%A').toString('base64')}`,
      `Basic ${Buffer.from('%zz:secret').toString('base64')}`,
      'Basic !!!',
      'Basic',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
    ]) {
      const response = await api.request('POST', '/v1/oauth/token', {
        body: { grant_type: 'client_credentials' },
        headers: { authorization, ...from('192.0.2.77') },
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('INVALID_CLIENT');
    }
  });
});

describe('failed-attempt limits with TRUST_PROXY unset (issue 10)', () => {
  let platform: TestPlatform;
  let api: Api;

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = new Api(platform);
  });
  afterAll(() => platform?.close());

  it('X-Forwarded-For does not count: rotating it does not escape the per-address limit', async () => {
    const login = (address: string) =>
      api.request('POST', '/v1/auth/login', {
        body: { email: `nobody-${address}@limits.example`, password: 'wrong password' },
        headers: { 'x-forwarded-for': address },
      });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 32; attempt++)
      statuses.push((await login(`203.0.113.${attempt + 1}`)).status);
    expect(statuses).toEqual([...Array(30).fill(401), 429, 429]);
  });
});
