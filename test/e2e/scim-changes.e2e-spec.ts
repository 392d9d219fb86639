import { randomUUID } from 'node:crypto';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { CORE, ENTERPRISE, PATCH_OP, expectScimError, scimRequester, scimUser } from './scim.helpers';

describe('SCIM 2.0 (/scim/v2): changes, deletion, auth and tenancy', () => {
  let platform: TestPlatform;
  let api: Api;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;
  let other: Awaited<ReturnType<Api['createHospital']>>;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    hospital = await api.createHospital('scim-c', ['scim', 'users:write', 'patients:read']);
    other = await api.createHospital('scim-d', ['scim', 'users:write']);
  });
  afterAll(() => platform?.close());

  const scim = scimRequester(
    () => api,
    () => hospital.token,
  );

  describe('Users', () => {
    it('PUT replaces what it sends, keeps active as sent, and keeps attributes it omits', async () => {
      const { id } = (
        await scim('POST', '/Users', scimUser('put.me@scim-a.example', { externalId: 'aad-put' }))
      ).body;
      const replaced = await scim('PUT', `/Users/${id}`, {
        schemas: [CORE],
        id,
        userName: 'put.renamed@scim-a.example',
        name: { givenName: 'Renamed', familyName: 'Person' },
        active: false,
      });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({
        userName: 'put.renamed@scim-a.example',
        name: { givenName: 'Renamed' },
        active: false,
        externalId: 'aad-put',
      });
      const rest = await api.expect(200, 'GET', `/v1/users/${id}`, { token: hospital.token });
      // The Care-app e-mail comes from `emails`, which this PUT left out (so kept): not from userName.
      expect(rest).toMatchObject({
        email: 'put.me@scim-a.example',
        firstName: 'Renamed',
        active: false,
        hospitalUserId: 'aad-put',
      });
      const active = await scim('PUT', `/Users/${id}`, {
        schemas: [CORE],
        userName: 'put.renamed@scim-a.example',
        active: true,
        externalId: null,
      });
      expect(active.body).toMatchObject({ active: true, name: { givenName: 'Renamed' } });
      expect(active.body.externalId).toBeUndefined();
      await scim('POST', '/Users', scimUser('put.taken@scim-a.example'));
      expectScimError(
        await scim('PUT', `/Users/${id}`, scimUser('put.taken@scim-a.example')),
        409,
        'uniqueness',
      );
    });

    it('PATCH applies add, replace and remove in any letter case, with and without path', async () => {
      const { id } = (await scim('POST', '/Users', scimUser('patch.me@scim-a.example'))).body;
      const patched = await scim('PATCH', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'replace', path: 'name.givenName', value: 'Paula' },
          { op: 'Add', path: 'externalId', value: 'aad-patch' },
          {
            op: 'REPLACE',
            value: { 'name.familyName': 'Patched', displayName: 'ignored', title: 'ignored' },
          },
          { op: 'add', path: `${ENTERPRISE}:employeeNumber`, value: 'PHY-PATCH' },
          { op: 'add', path: 'roles', value: [{ value: 'hospital-admin' }] },
          { op: 'replace', path: 'emails[type eq "work"].value', value: 'ignored@scim-a.example' },
        ],
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        userName: 'patch.me@scim-a.example',
        name: { givenName: 'Paula', familyName: 'Patched' },
        externalId: 'aad-patch',
        [ENTERPRISE]: { employeeNumber: 'PHY-PATCH' },
        roles: [{ value: 'clinician' }, { value: 'hospital-admin' }],
      });
      const removed = await scim('PATCH', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Remove', path: 'externalId' },
          { op: 'remove', path: 'roles[value eq "hospital-admin"]' },
          { op: 'replace', value: { [ENTERPRISE]: { employeeNumber: 'PHY-NEW' } } },
        ],
      });
      expect(removed.body.externalId).toBeUndefined();
      expect(removed.body.roles).toEqual([{ value: 'clinician' }]);
      expect(removed.body[ENTERPRISE]).toEqual({ employeeNumber: 'PHY-NEW' });
      expect(await api.expect(200, 'GET', `/v1/users/${id}`, { token: hospital.token })).toMatchObject({
        firstName: 'Paula',
        lastName: 'Patched',
        physicianCode: 'PHY-NEW',
        roles: ['clinician'],
      });
    });

    it('refuses malformed PATCH requests with SCIM 400s and changes nothing', async () => {
      const { id } = (await scim('POST', '/Users', scimUser('bad.patch@scim-a.example'))).body;
      const patch = (operations: unknown) =>
        scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: operations });
      expectScimError(await patch([{ op: 'move', path: 'active', value: false }]), 400, 'invalidSyntax');
      expectScimError(await patch([]), 400, 'invalidSyntax');
      expectScimError(await patch([{ op: 'remove' }]), 400, 'noTarget');
      expectScimError(
        await patch([{ op: 'replace', path: 'favouriteColour', value: 'blue' }]),
        400,
        'invalidPath',
      );
      expectScimError(
        await patch([{ op: 'replace', path: 'urn:example:custom:2.0:User:x', value: 'y' }]),
        400,
        'invalidPath',
      );
      expectScimError(
        await patch([
          { op: 'replace', path: 'name.givenName', value: 'Half' },
          { op: 'replace', path: 'active', value: 'perhaps' },
        ]),
        400,
        'invalidValue',
      );
      expect((await scim('GET', `/Users/${id}`)).body).toMatchObject({
        name: { givenName: 'Griet' },
        active: true,
      });
    });

    it('DELETE answers 204; SCIM then answers 404 and lists it no more; REST keeps it inactive; POST brings the same user back', async () => {
      const { id } = (
        await scim('POST', '/Users', scimUser('delete.me@scim-a.example', { externalId: 'aad-del' }))
      ).body;
      const deleted = await scim('DELETE', `/Users/${id}`);
      expect(deleted.status).toBe(204);
      expectScimError(await scim('GET', `/Users/${id}`), 404);
      expectScimError(await scim('DELETE', `/Users/${id}`), 404);
      expectScimError(
        await scim('PATCH', `/Users/${id}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'replace', path: 'active', value: true }],
        }),
        404,
      );
      expect(
        (await scim('GET', `/Users?filter=${encodeURIComponent('externalId eq "aad-del"')}`)).body
          .totalResults,
      ).toBe(0);
      expect(await api.expect(200, 'GET', `/v1/users/${id}`, { token: hospital.token })).toMatchObject({
        active: false,
      });
      const again = await scim(
        'POST',
        '/Users',
        scimUser('delete.me@scim-a.example', { externalId: 'aad-del' }),
      );
      expect(again.status).toBe(201);
      expect(again.body).toMatchObject({ id, active: true });
    });

    it('sees users provisioned over REST, and its deactivation revokes their Care app sessions', async () => {
      const restUser = await api.expect(201, 'POST', '/v1/users', {
        token: hospital.token,
        body: {
          email: 'rest.made@scim-a.example',
          firstName: 'Rest',
          lastName: 'Made',
          roles: ['clinician'],
        },
      });
      const found = await scim(
        'GET',
        `/Users?filter=${encodeURIComponent('userName eq "rest.made@scim-a.example"')}`,
      );
      expect(found.body.Resources).toEqual([expect.objectContaining({ id: restUser.id, active: true })]);
      const link = await api.expect(201, 'POST', '/v1/users/login-token', {
        token: hospital.token,
        body: { email: 'rest.made@scim-a.example', firstName: 'Rest', lastName: 'Made' },
      });
      const session = await api.expect(200, 'POST', '/v1/auth/exchange', { body: { token: link.token } });
      expect((await api.request('GET', '/v1/auth/session', { token: session.sessionToken })).status).toBe(
        200,
      );
      await scim('PATCH', `/Users/${restUser.id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
      });
      expect((await api.request('GET', '/v1/auth/session', { token: session.sessionToken })).status).toBe(
        401,
      );
    });

    it('audits every change with the SCIM client as the actor', async () => {
      const { id } = (await scim('POST', '/Users', scimUser('audit.scim@scim-a.example'))).body;
      await scim('PATCH', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
      });
      await scim('DELETE', `/Users/${id}`);
      const log = await api.expect(200, 'GET', `/v1/users/${id}/audit-log`, { token: hospital.token });
      expect(
        log.map((entry: { action: string; channel: string; fields: string[] }) => [
          entry.action,
          entry.channel,
          entry.fields,
        ]),
      ).toEqual([
        [
          'user.created',
          'scim',
          expect.arrayContaining(['email', 'firstName', 'lastName', 'roles', 'active']),
        ],
        ['user.deactivated', 'scim', ['active']],
        ['user.deactivated', 'scim', ['deleted']],
      ]);
      expect(
        log.every(
          (entry: { actor: object }) =>
            JSON.stringify(entry.actor) === JSON.stringify({ kind: 'client', subject: hospital.clientId }),
        ),
      ).toBe(true);
    });
  });

  describe('auth (R5) and tenant isolation (R4)', () => {
    const claims = () => ({ sub: hospital.clientId, kind: 'client', hid: hospital.id, scope: 'scim' });

    it.each([
      ['no token', () => undefined],
      ['alg none', () => unsignedToken(claims())],
      ['wrong key', (a: Api) => a.forgeToken(claims(), { secret: 's'.repeat(40) })],
      ['expired', (a: Api) => a.forgeToken(claims(), { expiresIn: -60 })],
      ['wrong audience', (a: Api) => a.forgeToken(claims(), { audience: 'scim-elsewhere' })],
    ])('refuses %s with a SCIM 401', async (_name, makeToken) => {
      for (const [method, path, body] of [
        ['GET', '/Users'],
        ['POST', '/Users', scimUser('intruder@scim-a.example')],
        ['GET', '/ServiceProviderConfig'],
      ] as [string, string, unknown?][]) {
        const response = await scim(method, path, body, { token: makeToken(api) });
        expectScimError(response, 401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
      }
      expect(
        (await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "intruder@scim-a.example"')}`))
          .body.totalResults,
      ).toBe(0);
    });

    it('accepts a correctly signed token (the control), refuses a token without scim (403) and the platform admin (403)', async () => {
      expect((await scim('GET', '/Users', undefined, { token: api.forgeToken(claims()) })).status).toBe(200);
      expectScimError(
        await scim('GET', '/Users', undefined, {
          token: api.forgeToken({ ...claims(), scope: 'users:write' }),
        }),
        403,
      );
      expectScimError(await scim('GET', '/Users', undefined, { token: await api.adminToken() }), 403);
    });

    it("another hospital's token sees 404 on this hospital's users over SCIM, and its lists never show them", async () => {
      const { id } = (
        await scim('POST', '/Users', scimUser('tenant.a@scim-a.example', { externalId: 'aad-tenant' }))
      ).body;
      const asOther = (method: string, path: string, body?: unknown) =>
        scim(method, path, body, { token: other.token });
      for (const [method, body] of [
        ['GET'],
        ['PUT', scimUser('tenant.a@scim-a.example', { active: false })],
        ['PATCH', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] }],
        ['DELETE'],
      ] as [string, unknown?][]) {
        const response = await asOther(method, `/Users/${id}`, body);
        expectScimError(response, 404);
        expect(JSON.stringify(response.body)).not.toContain('tenant.a');
      }
      expect(
        (await asOther('GET', `/Users?filter=${encodeURIComponent('userName eq "tenant.a@scim-a.example"')}`))
          .body.totalResults,
      ).toBe(0);
      const list = await asOther('GET', '/Users?count=200');
      expect(list.body.Resources.map((user: { id: string }) => user.id)).not.toContain(id);
      const twin = await asOther(
        'POST',
        '/Users',
        scimUser('tenant.a@scim-a.example', { externalId: 'aad-tenant' }),
      );
      expect(twin.status).toBe(201);
      expect(twin.body.id).not.toBe(id);
      expect((await scim('GET', `/Users/${id}`)).body).toMatchObject({
        active: true,
        userName: 'tenant.a@scim-a.example',
      });
      expectScimError(await scim('GET', `/Users/${randomUUID()}`), 404);
      expectScimError(await scim('GET', '/Users/not-a-uuid'), 404);
    });
  });
});

function unsignedToken(claims: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, iss: 'careflow-bridge', aud: 'careflow-bridge-api', iat: now, exp: now + 600 })}.`;
}
