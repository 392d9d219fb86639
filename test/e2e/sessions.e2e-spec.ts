import { randomUUID } from 'node:crypto';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('Care app sessions: login tokens, exchange, password sign-in', () => {
  let platform: TestPlatform;
  let api: Api;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;
  let admin: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = new Api(platform);
    hospital = await api.createHospital('sessions-a');
    admin = await api.adminToken();
  });
  afterAll(() => platform?.close());

  const emrLogin = (extra: object = {}) => ({
    hospitalUserId: 'EMR-1001',
    email: 'sofie.smet@sessions-a.example',
    firstName: 'Sofie',
    lastName: 'Smet',
    ...extra,
  });
  const issue = (body: object, token = hospital.token) =>
    api.request('POST', '/v1/users/login-token', { token, body });
  const exchange = (token: string) => api.request('POST', '/v1/auth/exchange', { body: { token } });

  describe('POST /v1/users/login-token → POST /v1/auth/exchange', () => {
    it('upserts the user just in time and returns a single-use link that opens a session on the patient', async () => {
      const before = Date.now();
      const issued = await issue(emrLogin({ patientCode: '000123' }));
      expect(issued.status).toBe(201);
      expect(issued.body).toEqual({
        token: expect.stringMatching(/^clt_/),
        url: expect.any(String),
        expiresAt: expect.any(String),
      });
      expect(issued.body.url).toBe(`http://localhost:3000/app/login#token=${issued.body.token}`);
      const lifetime = Date.parse(issued.body.expiresAt) - before;
      expect(lifetime).toBeGreaterThan(4 * 60_000);
      expect(lifetime).toBeLessThanOrEqual(5 * 60_000 + 5_000);

      const users = await api.expect(200, 'GET', '/v1/users?email=sofie.smet%40sessions-a.example', {
        token: hospital.token,
      });
      expect(users).toEqual([
        expect.objectContaining({ hospitalUserId: 'EMR-1001', roles: ['clinician'], active: true }),
      ]);

      const session = await exchange(issued.body.token);
      expect(session.status).toBe(200);
      expect(session.body).toMatchObject({
        sessionToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 28_800,
        scopes: ['patients:read', 'patients:write', 'careflows:write', 'imports'],
        user: { id: users[0].id, hospitalId: hospital.id, email: 'sofie.smet@sessions-a.example' },
        patientCode: '000123',
      });
      expect(session.body.patientId).toBeUndefined();
      const me = await api.expect(200, 'GET', '/v1/auth/session', { token: session.body.sessionToken });
      expect(me).toEqual({ user: users[0], scopes: session.body.scopes });

      const reused = await exchange(issued.body.token);
      expect(reused.status).toBe(401);
      expect(reused.body.code).toBe('LOGIN_TOKEN_INVALID');
    });

    it('names the patient by id when the patient is in the Care app at sign-in', async () => {
      const issued = await issue(emrLogin({ patientCode: 'S-LINK' }));
      const patient = await api.expect(201, 'POST', '/v1/patients', {
        token: hospital.token,
        body: { patientCode: 'S-LINK', firstName: 'Link', lastName: 'Ed' },
      });
      const session = await api.expect(200, 'POST', '/v1/auth/exchange', {
        body: { token: issued.body.token },
      });
      expect(session).toMatchObject({ patientCode: 'S-LINK', patientId: patient.id });
    });

    it('a Care app session works on patient endpoints of its own hospital only, and cannot provision users or mint links', async () => {
      const { sessionToken } = (await exchange((await issue(emrLogin())).body.token)).body;
      await api.expect(201, 'POST', '/v1/patients', {
        token: hospital.token,
        body: { patientCode: 'S-1', firstName: 'Pat', lastName: 'Ient' },
      });
      const search = await api.expect(200, 'POST', '/v1/patients/search', {
        token: sessionToken,
        body: { patientCode: 'S-1' },
      });
      expect(search.total).toBe(1);
      const users = await api.request('GET', '/v1/users', { token: sessionToken });
      expect(users.status).toBe(403);
      expect(users.body.code).toBe('INSUFFICIENT_SCOPE');
      const scim = await api.request('GET', '/scim/v2/Users', { token: sessionToken });
      expect(scim.status).toBe(403);
    });

    it('later sign-ins refresh the names and roles the EMR sends; hospital admins may manage users but not mint links', async () => {
      const issued = await issue(
        emrLogin({ firstName: 'Sofie-Anne', roles: ['clinician', 'hospital-admin'] }),
      );
      const session = (await exchange(issued.body.token)).body;
      expect(session.user).toMatchObject({ firstName: 'Sofie-Anne', roles: ['clinician', 'hospital-admin'] });
      expect(session.scopes).toContain('users:write');
      const list = await api.request('GET', '/v1/users', { token: session.sessionToken });
      expect(list.status).toBe(200);
      const mint = await issue(
        emrLogin({ hospitalUserId: 'EMR-OTHER', email: 'other@sessions-a.example' }),
        session.sessionToken,
      );
      expect(mint.status).toBe(403);
      expect(mint.body.code).toBe('FORBIDDEN');

      // Taking hospital-admin away revokes the session that carried users:write.
      await api.expect(201, 'POST', '/v1/users/login-token', {
        token: hospital.token,
        body: emrLogin({ roles: ['clinician'] }),
      });
      const after = await api.request('GET', '/v1/auth/session', { token: session.sessionToken });
      expect(after.status).toBe(401);
    });

    it('refuses unknown, malformed and empty tokens with 401 (or 400 for a missing one)', async () => {
      expect((await exchange(`clt_${randomUUID()}`)).status).toBe(401);
      expect((await exchange('x')).status).toBe(401);
      const missing = await api.request('POST', '/v1/auth/exchange', { body: {} });
      expect(missing.status).toBe(400);
    });

    it('deactivating a user revokes its sessions and outstanding login tokens, and reactivation revives neither', async () => {
      const login = {
        email: 'leaving@sessions-a.example',
        firstName: 'Lea',
        lastName: 'Ving',
        roles: ['physician'],
      };
      const session = (await exchange((await issue(login)).body.token)).body;
      const outstanding = (await issue(login)).body.token;
      expect((await api.request('GET', '/v1/auth/session', { token: session.sessionToken })).status).toBe(
        200,
      );

      await api.expect(204, 'DELETE', `/v1/users/${session.user.id}`, { token: hospital.token });
      const revoked = await api.request('POST', '/v1/patients/search', {
        token: session.sessionToken,
        body: { patientCode: 'S-1' },
      });
      expect(revoked.status).toBe(401);
      expect(revoked.body.code).toBe('UNAUTHENTICATED');
      const refused = await exchange(outstanding);
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('LOGIN_TOKEN_INVALID');
      const inactive = await issue(login);
      expect(inactive.status).toBe(409);
      expect(inactive.body.code).toBe('USER_INACTIVE');

      await api.expect(200, 'PATCH', `/v1/users/${session.user.id}`, {
        token: hospital.token,
        body: { active: true },
      });
      expect((await api.request('GET', '/v1/auth/session', { token: session.sessionToken })).status).toBe(
        401,
      );
      expect((await exchange(outstanding)).status).toBe(401);
      const fresh = await exchange((await issue(login)).body.token);
      expect(fresh.status).toBe(200);
    });

    it('records issuance and sign-in in the audit log', async () => {
      const login = { email: 'audit.me@sessions-a.example', firstName: 'Au', lastName: 'Dit' };
      const session = (await exchange((await issue(login)).body.token)).body;
      const log = await api.expect(200, 'GET', `/v1/users/${session.user.id}/audit-log`, {
        token: hospital.token,
      });
      expect(
        log.map((entry: { action: string; channel: string }) => `${entry.action}/${entry.channel}`),
      ).toEqual(['user.created/rest', 'login-token.issued/rest', 'session.started/login-token']);
      expect(log[2].actor).toEqual({ kind: 'user', subject: session.user.id });
    });
  });

  describe('POST /v1/auth/login (password)', () => {
    const password = 'correct horse battery staple';

    it('signs in a user created with a password, case-insensitively on the e-mail', async () => {
      const user = await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/users`, {
        token: admin,
        body: {
          email: 'Admin.User@sessions-a.example',
          firstName: 'Ad',
          lastName: 'Min',
          roles: ['hospital-admin'],
          password,
        },
      });
      const session = await api.request('POST', '/v1/auth/login', {
        body: { email: 'admin.user@SESSIONS-A.example', password },
      });
      expect(session.status).toBe(200);
      expect(session.body).toMatchObject({
        tokenType: 'Bearer',
        user: { id: user.id },
        scopes: expect.arrayContaining(['users:write']),
      });
      expect(session.body.patientCode).toBeUndefined();
      expect((await api.request('GET', '/v1/users', { token: session.body.sessionToken })).status).toBe(200);
    });

    it('refuses a wrong password, an unknown e-mail and a user without a password alike (401)', async () => {
      for (const body of [
        { email: 'admin.user@sessions-a.example', password: 'wrong horse battery staple' },
        { email: 'nobody@sessions-a.example', password },
        { email: 'sofie.smet@sessions-a.example', password },
      ]) {
        const response = await api.request('POST', '/v1/auth/login', {
          body,
          headers: { 'x-forwarded-for': '198.51.100.1' },
        });
        expect(response.status).toBe(401);
        expect(response.body.code).toBe('INVALID_CREDENTIALS');
      }
    });

    it('asks for the hospital when the same e-mail and password open accounts in two hospitals', async () => {
      const second = await api.createHospital('sessions-b');
      for (const id of [hospital.id, second.id]) {
        await api.expect(201, 'POST', `/v1/admin/hospitals/${id}/users`, {
          token: admin,
          body: {
            email: 'twin@example.org',
            firstName: 'Twin',
            lastName: 'Two',
            roles: ['clinician'],
            password,
          },
        });
      }
      const ambiguous = await api.request('POST', '/v1/auth/login', {
        body: { email: 'twin@example.org', password },
      });
      expect(ambiguous.status).toBe(400);
      expect(ambiguous.body.code).toBe('HOSPITAL_REQUIRED');
      expect(ambiguous.body.errors).toEqual([
        { field: 'hospital', message: expect.stringContaining('sessions-b') },
      ]);
      const chosen = await api.expect(200, 'POST', '/v1/auth/login', {
        body: { email: 'twin@example.org', password, hospital: 'sessions-b' },
      });
      expect(chosen.user.hospitalId).toBe(second.id);
      const wrongHospital = await api.request('POST', '/v1/auth/login', {
        body: { email: 'twin@example.org', password, hospital: 'no-such' },
      });
      expect(wrongHospital.status).toBe(401);
      // A different password in each hospital: no ambiguity, the password picks the account.
      await api.expect(201, 'POST', `/v1/admin/hospitals/${second.id}/users`, {
        token: admin,
        body: {
          email: 'single@example.org',
          firstName: 'S',
          lastName: 'One',
          roles: ['clinician'],
          password: 'another long password',
        },
      });
      await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/users`, {
        token: admin,
        body: {
          email: 'single@example.org',
          firstName: 'S',
          lastName: 'One',
          roles: ['clinician'],
          password,
        },
      });
      const picked = await api.expect(200, 'POST', '/v1/auth/login', {
        body: { email: 'single@example.org', password: 'another long password' },
      });
      expect(picked.user.hospitalId).toBe(second.id);
    });

    it('refuses a deactivated user', async () => {
      const user = await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/users`, {
        token: admin,
        body: {
          email: 'gone@sessions-a.example',
          firstName: 'G',
          lastName: 'One',
          roles: ['clinician'],
          password,
        },
      });
      const session = await api.expect(200, 'POST', '/v1/auth/login', {
        body: { email: 'gone@sessions-a.example', password },
      });
      await api.expect(204, 'DELETE', `/v1/users/${user.id}`, { token: hospital.token });
      const refused = await api.request('POST', '/v1/auth/login', {
        body: { email: 'gone@sessions-a.example', password },
      });
      expect(refused.status).toBe(401);
      expect((await api.request('GET', '/v1/auth/session', { token: session.sessionToken })).status).toBe(
        401,
      );
    });
  });

  describe('forged and stale session tokens (R5)', () => {
    let userId: string;
    let currentVersion: number;
    const userClaims = (extra: object = {}) => ({
      sub: userId,
      kind: 'user',
      hid: hospital.id,
      scope: 'patients:read users:write',
      sv: currentVersion,
      ...extra,
    });

    beforeAll(async () => {
      const session = (await exchange((await issue(emrLogin())).body.token)).body;
      userId = session.user.id;
      const [, payload] = session.sessionToken.split('.');
      currentVersion = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).sv;
    });

    it('accepts a correctly signed token with the current session version (the control for the refusals below)', async () => {
      const me = await api.request('GET', '/v1/auth/session', { token: api.forgeToken(userClaims()) });
      expect(me.status).toBe(200);
      expect(me.body.user.id).toBe(userId);
    });

    it.each([
      ['alg none', () => unsignedToken(userClaims())],
      ['wrong key', (a: Api) => a.forgeToken(userClaims(), { secret: 'w'.repeat(40) })],
      ['expired', (a: Api) => a.forgeToken(userClaims(), { expiresIn: -60 })],
      ['wrong audience', (a: Api) => a.forgeToken(userClaims(), { audience: 'the-care-app' })],
      ['an older session version', (a: Api) => a.forgeToken(userClaims({ sv: currentVersion - 1 }))],
      ['a future session version', (a: Api) => a.forgeToken(userClaims({ sv: currentVersion + 1 }))],
      ['no session version', (a: Api) => a.forgeToken(userClaims({ sv: undefined }))],
      ['an unknown user', (a: Api) => a.forgeToken(userClaims({ sub: randomUUID() }))],
      ["another hospital's id", (a: Api) => a.forgeToken(userClaims({ hid: randomUUID() }))],
    ])('refuses %s with 401', async (_name, makeToken) => {
      for (const [method, path, body] of [
        ['GET', '/v1/auth/session'],
        ['POST', '/v1/patients/search', { patientCode: 'S-1' }],
        ['GET', '/v1/users'],
      ] as [string, string, object?][]) {
        const response = await api.request(method, path, { token: makeToken(api), body });
        expect({ path, status: response.status }).toEqual({ path, status: 401 });
      }
    });
  });
});

function unsignedToken(claims: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, iss: 'careflow-bridge', aud: 'careflow-bridge-api', iat: now, exp: now + 600 })}.`;
}
