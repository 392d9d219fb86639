import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('users REST API: audit log, auth (R5) and tenant isolation (R4)', () => {
  let platform: TestPlatform;
  let api: Api;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;
  let other: Awaited<ReturnType<Api['createHospital']>>;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    hospital = await api.createHospital('users-c');
    other = await api.createHospital('users-d');
  });
  afterAll(() => platform?.close());

  const nurse = (extra: object = {}) => ({
    email: 'Nele.Nurse@users-a.example',
    firstName: 'Nele',
    lastName: 'Nurse',
    roles: ['clinician'],
    ...extra,
  });

  describe('audit log', () => {
    it('records who created, changed, deactivated and reactivated a user, with field names and no values', async () => {
      const user = await api.expect(201, 'POST', '/v1/users', {
        token: hospital.token,
        body: {
          email: 'audited@users-a.example',
          firstName: 'Au',
          lastName: 'Dited',
          roles: ['clinician'],
          hospitalUserId: 'EMR-AUD',
        },
      });
      await api.expect(200, 'POST', '/v1/users', {
        token: hospital.token,
        body: {
          email: 'audited@users-a.example',
          firstName: 'Au',
          lastName: 'Dited',
          roles: ['clinician'],
          hospitalUserId: 'EMR-AUD',
        },
      });
      await api.expect(200, 'PATCH', `/v1/users/${user.id}`, {
        token: hospital.token,
        body: { lastName: 'Secretname' },
      });
      await api.expect(204, 'DELETE', `/v1/users/${user.id}`, { token: hospital.token });
      await api.expect(200, 'PATCH', `/v1/users/${user.id}`, {
        token: hospital.token,
        body: { active: true },
      });
      const log = await api.expect(200, 'GET', `/v1/users/${user.id}/audit-log`, { token: hospital.token });
      const actor = { kind: 'client', subject: hospital.clientId };
      expect(log).toEqual([
        expect.objectContaining({ action: 'user.created', channel: 'rest', actor, userId: user.id }),
        expect.objectContaining({ action: 'user.updated', channel: 'rest', actor, fields: ['lastName'] }),
        expect.objectContaining({
          action: 'user.deactivated',
          channel: 'rest',
          actor,
          fields: ['active', 'deleted'],
        }),
        expect.objectContaining({ action: 'user.reactivated', channel: 'rest', actor }),
      ]);
      expect(log[0].fields).toEqual(
        expect.arrayContaining(['email', 'firstName', 'lastName', 'roles', 'hospitalUserId']),
      );
      for (const entry of log) expect(Date.parse(entry.at)).not.toBeNaN();
      expect(JSON.stringify(log)).not.toMatch(/Secretname|audited@|EMR-AUD/);
    });

    it('records admin-created users as the platform admin', async () => {
      const log = await api.expect(200, 'GET', `/v1/users/${hospital.physicianId}/audit-log`, {
        token: hospital.token,
      });
      expect(log).toEqual([
        expect.objectContaining({
          action: 'user.created',
          channel: 'admin',
          actor: { kind: 'client', subject: 'platform-admin' },
        }),
      ]);
    });
  });

  describe('auth (R5) and tenant isolation (R4)', () => {
    it('needs the scope users:write (403) and a hospital credential (403 for the platform admin)', async () => {
      const readOnly = await api.createHospital('users-readonly', ['patients:read', 'scim']);
      for (const [method, path] of [
        ['POST', '/v1/users'],
        ['GET', '/v1/users'],
        ['POST', '/v1/users/login-token'],
      ]) {
        const response = await api.request(method, path, {
          token: readOnly.token,
          body: method === 'POST' ? nurse() : undefined,
        });
        expect({ path, status: response.status, code: response.body.code }).toEqual({
          path,
          status: 403,
          code: 'INSUFFICIENT_SCOPE',
        });
      }
      const asAdmin = await api.request('POST', '/v1/users', {
        token: await api.adminToken(),
        body: nurse(),
      });
      expect(asAdmin.status).toBe(403);
      expect(asAdmin.body.code).toBe('FORBIDDEN');
    });

    it.each([
      ['no token', () => undefined],
      ['alg none', () => unsignedToken({ sub: 'x', kind: 'client', hid: 'h', scope: 'users:write' })],
      [
        'wrong key',
        (a: Api, hid: string) =>
          a.forgeToken({ sub: 'x', kind: 'client', hid, scope: 'users:write' }, { secret: 'k'.repeat(40) }),
      ],
      [
        'expired',
        (a: Api, hid: string) =>
          a.forgeToken({ sub: 'x', kind: 'client', hid, scope: 'users:write' }, { expiresIn: -60 }),
      ],
      [
        'wrong audience',
        (a: Api, hid: string) =>
          a.forgeToken({ sub: 'x', kind: 'client', hid, scope: 'users:write' }, { audience: 'other' }),
      ],
    ])('refuses %s with 401 on every users endpoint', async (_name, makeToken) => {
      const token = makeToken(api, hospital.id);
      for (const [method, path] of [
        ['POST', '/v1/users'],
        ['GET', '/v1/users'],
        ['GET', `/v1/users/${hospital.physicianId}`],
        ['PATCH', `/v1/users/${hospital.physicianId}`],
        ['DELETE', `/v1/users/${hospital.physicianId}`],
        ['POST', '/v1/users/login-token'],
      ]) {
        const response = await api.request(method, path, {
          token,
          body: method === 'POST' || method === 'PATCH' ? nurse() : undefined,
        });
        expect({ path, status: response.status }).toEqual({ path, status: 401 });
      }
      const physician = await api.expect(200, 'GET', `/v1/users/${hospital.physicianId}`, {
        token: hospital.token,
      });
      expect(physician.active).toBe(true);
    });

    it("another hospital's token sees 404 on this hospital's users and changes nothing", async () => {
      const user = await api.expect(201, 'POST', '/v1/users', {
        token: hospital.token,
        body: {
          email: 'private@users-a.example',
          firstName: 'Pri',
          lastName: 'Vate',
          roles: ['clinician'],
          hospitalUserId: 'EMR-PRIV',
        },
      });
      const probes: [string, string, unknown?][] = [
        ['GET', `/v1/users/${user.id}`],
        ['GET', `/v1/users/${user.id}/audit-log`],
        ['PATCH', `/v1/users/${user.id}`, { lastName: 'Hacked', active: false }],
        ['DELETE', `/v1/users/${user.id}`],
      ];
      for (const [method, path, body] of probes) {
        const response = await api.request(method, path, { token: other.token, body });
        expect({ method, status: response.status }).toEqual({ method, status: 404 });
        expect(JSON.stringify(response.body)).not.toContain('Vate');
      }
      expect(
        await api.expect(200, 'GET', '/v1/users?email=private%40users-a.example', { token: other.token }),
      ).toEqual([]);
      const list = await api.expect(200, 'GET', '/v1/users', { token: other.token });
      expect(list.every((listed: { hospitalId: string }) => listed.hospitalId === other.id)).toBe(true);
      // The same e-mail and hospitalUserId in another hospital are another person.
      const twin = await api.request('POST', '/v1/users', {
        token: other.token,
        body: {
          email: 'private@users-a.example',
          firstName: 'Twin',
          lastName: 'B',
          roles: ['clinician'],
          hospitalUserId: 'EMR-PRIV',
        },
      });
      expect(twin.status).toBe(201);
      expect(twin.body.id).not.toBe(user.id);
      expect(await api.expect(200, 'GET', `/v1/users/${user.id}`, { token: hospital.token })).toEqual(user);
    });
  });
});

function unsignedToken(claims: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, iss: 'careflow-bridge', aud: 'careflow-bridge-api', iat: now, exp: now + 600 })}.`;
}
