import { randomUUID } from 'node:crypto';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('users REST API (/v1/users)', () => {
  let platform: TestPlatform;
  let api: Api;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    hospital = await api.createHospital('users-a');
  });
  afterAll(() => platform?.close());

  const nurse = (extra: object = {}) => ({
    email: 'Nele.Nurse@users-a.example',
    firstName: 'Nele',
    lastName: 'Nurse',
    roles: ['clinician'],
    ...extra,
  });

  describe('POST /v1/users', () => {
    it('creates a user (201), then answers 200 with the same user, unchanged, for the same e-mail in any case', async () => {
      const created = await api.request('POST', '/v1/users', { token: hospital.token, body: nurse() });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        hospitalId: hospital.id,
        email: 'Nele.Nurse@users-a.example',
        firstName: 'Nele',
        lastName: 'Nurse',
        roles: ['clinician'],
        active: true,
        createdAt: expect.any(String),
      });
      const again = await api.request('POST', '/v1/users', {
        token: hospital.token,
        body: nurse({ email: 'nele.nurse@USERS-A.example', firstName: 'Other' }),
      });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(created.body);
    });

    it('is idempotent on hospitalUserId first: a changed e-mail still finds the user', async () => {
      const body = {
        email: 'piet@users-a.example',
        firstName: 'Piet',
        lastName: 'Pieters',
        roles: ['physician'],
        hospitalUserId: 'EMR-77',
        physicianCode: 'PHY-77',
      };
      const created = await api.expect(201, 'POST', '/v1/users', { token: hospital.token, body });
      const again = await api.request('POST', '/v1/users', {
        token: hospital.token,
        body: { ...body, email: 'piet.new@users-a.example' },
      });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({
        id: created.id,
        email: 'piet@users-a.example',
        hospitalUserId: 'EMR-77',
        physicianCode: 'PHY-77',
      });
    });

    it('links a hospitalUserId to a user first provisioned by e-mail, and refuses an e-mail held by another hospitalUserId', async () => {
      const byEmail = await api.expect(201, 'POST', '/v1/users', {
        token: hospital.token,
        body: { email: 'link@users-a.example', firstName: 'L', lastName: 'Ink', roles: ['clinician'] },
      });
      const linked = await api.request('POST', '/v1/users', {
        token: hospital.token,
        body: {
          email: 'link@users-a.example',
          firstName: 'L',
          lastName: 'Ink',
          roles: ['clinician'],
          hospitalUserId: 'EMR-LINK',
        },
      });
      expect(linked.status).toBe(200);
      expect(linked.body).toMatchObject({ id: byEmail.id, hospitalUserId: 'EMR-LINK' });
      const clash = await api.request('POST', '/v1/users', {
        token: hospital.token,
        body: {
          email: 'link@users-a.example',
          firstName: 'X',
          lastName: 'Y',
          roles: ['clinician'],
          hospitalUserId: 'EMR-OTHER',
        },
      });
      expect(clash.status).toBe(409);
      expect(clash.body.code).toBe('USER_EMAIL_TAKEN');
    });

    it("refuses another user's physician code with 409 and creates nothing", async () => {
      const response = await api.request('POST', '/v1/users', {
        token: hospital.token,
        body: {
          email: 'dup.code@users-a.example',
          firstName: 'D',
          lastName: 'C',
          roles: ['physician'],
          physicianCode: 'DR1',
        },
      });
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('USER_IDENTIFIER_TAKEN');
      expect(
        await api.expect(200, 'GET', '/v1/users?email=dup.code@users-a.example', { token: hospital.token }),
      ).toEqual([]);
    });

    it.each([
      ['no roles', { roles: [] }],
      ['an unknown role', { roles: ['surgeon'] }],
      ['a bad e-mail', { email: 'not-an-email' }],
      ['an unknown field', { password: 'sneaky-password-123' }],
      ['roles as a string', { roles: 'clinician' }],
    ])('refuses %s with 400 and the field', async (_name, change) => {
      const response = await api.request('POST', '/v1/users', {
        token: hospital.token,
        body: { ...nurse({ email: 'invalid@users-a.example' }), ...change },
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });

    it('concurrent identical requests make one user (one 201, the rest 200)', async () => {
      const body = {
        email: 'race@users-a.example',
        firstName: 'R',
        lastName: 'Ace',
        roles: ['clinician'],
        hospitalUserId: 'EMR-RACE',
      };
      const responses = await Promise.all(
        Array.from({ length: 6 }, () => api.request('POST', '/v1/users', { token: hospital.token, body })),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
      expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    });
  });

  describe('GET, PATCH, DELETE', () => {
    it('finds by e-mail (case-insensitive), lists all, gets by id', async () => {
      const created = await api.expect(200, 'POST', '/v1/users', { token: hospital.token, body: nurse() });
      const found = await api.expect(200, 'GET', '/v1/users?email=NELE.NURSE%40users-a.example', {
        token: hospital.token,
      });
      expect(found).toEqual([created]);
      expect(
        await api.expect(200, 'GET', '/v1/users?email=nobody%40users-a.example', { token: hospital.token }),
      ).toEqual([]);
      const all = await api.expect(200, 'GET', '/v1/users', { token: hospital.token });
      expect(all.map((user: { email: string }) => user.email)).toEqual(
        expect.arrayContaining(['dr.users-a@example.org', 'Nele.Nurse@users-a.example']),
      );
      expect(await api.expect(200, 'GET', `/v1/users/${created.id}`, { token: hospital.token })).toEqual(
        created,
      );
    });

    it('PATCH changes only the fields sent, clears with null, and refuses null names and taken e-mails', async () => {
      const user = await api.expect(201, 'POST', '/v1/users', {
        token: hospital.token,
        body: {
          email: 'patch@users-a.example',
          firstName: 'Pat',
          lastName: 'Ch',
          roles: ['clinician'],
          hospitalUserId: 'EMR-P',
          physicianCode: 'PHY-P',
        },
      });
      const patched = await api.expect(200, 'PATCH', `/v1/users/${user.id}`, {
        token: hospital.token,
        body: { lastName: 'Changed', roles: ['clinician', 'physician'], physicianCode: null },
      });
      expect(patched).toMatchObject({
        firstName: 'Pat',
        lastName: 'Changed',
        roles: ['clinician', 'physician'],
        hospitalUserId: 'EMR-P',
      });
      expect(patched.physicianCode).toBeUndefined();
      const nullName = await api.request('PATCH', `/v1/users/${user.id}`, {
        token: hospital.token,
        body: { firstName: null },
      });
      expect(nullName.status).toBe(400);
      const taken = await api.request('PATCH', `/v1/users/${user.id}`, {
        token: hospital.token,
        body: { email: 'NELE.NURSE@users-a.example' },
      });
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe('USER_EMAIL_TAKEN');
      const takenId = await api.request('PATCH', `/v1/users/${user.id}`, {
        token: hospital.token,
        body: { hospitalUserId: 'EMR-77' },
      });
      expect(takenId.status).toBe(409);
      expect(takenId.body.code).toBe('USER_IDENTIFIER_TAKEN');
      expect(await api.expect(200, 'GET', `/v1/users/${user.id}`, { token: hospital.token })).toEqual(
        patched,
      );
    });

    it('DELETE answers 204 and keeps the user, inactive; a second DELETE is 204 too; PATCH active:true brings it back', async () => {
      const user = await api.expect(201, 'POST', '/v1/users', {
        token: hospital.token,
        body: { email: 'leaver@users-a.example', firstName: 'Lea', lastName: 'Ver', roles: ['clinician'] },
      });
      const deleted = await api.request('DELETE', `/v1/users/${user.id}`, { token: hospital.token });
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
      expect(await api.expect(200, 'GET', `/v1/users/${user.id}`, { token: hospital.token })).toEqual({
        ...user,
        active: false,
      });
      expect((await api.request('DELETE', `/v1/users/${user.id}`, { token: hospital.token })).status).toBe(
        204,
      );
      const again = await api.expect(200, 'POST', '/v1/users', {
        token: hospital.token,
        body: { email: 'leaver@users-a.example', firstName: 'Lea', lastName: 'Ver', roles: ['clinician'] },
      });
      expect(again).toMatchObject({ id: user.id, active: false });
      const back = await api.expect(200, 'PATCH', `/v1/users/${user.id}`, {
        token: hospital.token,
        body: { active: true },
      });
      expect(back.active).toBe(true);
    });

    it('a deactivated physician is no longer resolvable for care flows, and is back once reactivated', async () => {
      const physician = await api.expect(201, 'POST', '/v1/users', {
        token: hospital.token,
        body: {
          email: 'dr.rest@users-a.example',
          firstName: 'Rest',
          lastName: 'Doc',
          roles: ['physician'],
          physicianCode: 'PHY-REST',
        },
      });
      const push = (code: string) =>
        api.request('POST', '/v1/patients', {
          token: hospital.token,
          body: {
            patientCode: code,
            firstName: 'P',
            lastName: 'Atient',
            careFlow: {
              definitionKey: 'knee-replacement',
              physicianCode: 'PHY-REST',
              baseline: { surgeryDate: '2026-12-01' },
            },
          },
        });
      const started = await push('U-1');
      expect(started.status).toBe(201);
      expect(started.body.careFlows[0]).toMatchObject({
        physicianId: physician.id,
        physicianCode: 'PHY-REST',
      });
      const physicians = await api.expect(200, 'GET', '/v1/physicians', { token: hospital.token });
      expect(physicians.map((p: { id: string }) => p.id)).toContain(physician.id);

      await api.expect(204, 'DELETE', `/v1/users/${physician.id}`, { token: hospital.token });
      const refused = await push('U-2');
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('PHYSICIAN_NOT_FOUND');
      const patient = await api.expect(200, 'GET', `/v1/patients/${started.body.id}`, {
        token: hospital.token,
      });
      expect(patient.careFlows[0]).toMatchObject({ physicianId: physician.id, status: 'active' });

      await api.expect(200, 'PATCH', `/v1/users/${physician.id}`, {
        token: hospital.token,
        body: { active: true },
      });
      expect((await push('U-3')).status).toBe(201);
    });

    it('unknown and malformed ids are 404', async () => {
      const probes: [string, string, object?][] = [
        ['GET', ''],
        ['GET', '/audit-log'],
        ['PATCH', '', { lastName: 'X' }],
        ['DELETE', ''],
      ];
      for (const [method, suffix, body] of probes) {
        const response = await api.request(method, `/v1/users/${randomUUID()}${suffix}`, {
          token: hospital.token,
          body,
        });
        expect({ method, suffix, status: response.status }).toEqual({ method, suffix, status: 404 });
      }
      const malformed = await api.request('GET', '/v1/users/not-a-uuid', { token: hospital.token });
      expect(malformed.status).toBe(404);
      expect(malformed.body.code).toBe('NOT_FOUND');
    });
  });
});
