import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * The console manages a hospital without the hospital's own API: its users (list, change, deactivate) and
 * care-flow definitions (list with the deactivated ones, change, deactivate), audited, admin only, per tenant.
 */
describe('admin lists and edits of a hospital: users and care-flow definitions', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  type Hospital = Awaited<ReturnType<Api['createHospital']>>;
  let hospital: Hospital;
  let other: Hospital;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
    hospital = await api.createHospital('lists-a');
    other = await api.createHospital('lists-b');
  });
  afterAll(() => platform?.close());

  const auditActions = async (hospitalId: string) =>
    (
      (await api.expect(200, 'GET', `/v1/admin/hospitals/${hospitalId}/audit-events`, { token: admin })) as {
        events: { action: string; resource: { id: string } }[];
      }
    ).events;

  it('lists, changes and deactivates users; a deactivated user stays listed, inactive', async () => {
    const created = await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/users`, {
      token: admin,
      body: { email: 'nurse@lists-a.example', firstName: 'Nina', lastName: 'Nurse', roles: ['clinician'] },
    });
    const listed = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/users`, { token: admin });
    expect(listed.map((user: { email: string }) => user.email).sort()).toEqual([
      'dr.lists-a@example.org',
      'nurse@lists-a.example',
    ]);

    const changed = await api.expect(200, 'PATCH', `/v1/admin/hospitals/${hospital.id}/users/${created.id}`, {
      token: admin,
      body: { lastName: 'Nurse-Jansen', roles: ['clinician', 'hospital-admin'] },
    });
    expect(changed).toMatchObject({
      id: created.id,
      lastName: 'Nurse-Jansen',
      roles: ['clinician', 'hospital-admin'],
      active: true,
    });

    await api.expect(204, 'DELETE', `/v1/admin/hospitals/${hospital.id}/users/${created.id}`, {
      token: admin,
    });
    const after = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/users`, { token: admin });
    expect(after.find((user: { id: string }) => user.id === created.id)).toMatchObject({ active: false });

    const events = await auditActions(hospital.id);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'user.changed',
          resource: expect.objectContaining({ id: created.id }),
        }),
        expect.objectContaining({
          action: 'user.deactivated',
          resource: expect.objectContaining({ id: created.id }),
        }),
      ]),
    );
  });

  it('keeps tenants apart: a user of one hospital cannot be changed through another', async () => {
    const [user] = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/users`, { token: admin });
    const refused = await api.request('PATCH', `/v1/admin/hospitals/${other.id}/users/${user.id}`, {
      token: admin,
      body: { lastName: 'X' },
    });
    expect(refused.status).toBe(404);
    const still = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/users`, { token: admin });
    expect(still.find((candidate: { id: string }) => candidate.id === user.id).lastName).toBe(user.lastName);
  });

  it('changes a definition and deactivates it: no new care flow starts with it, running ones go on', async () => {
    const patient = await api.expect(201, 'POST', '/v1/patients', {
      token: hospital.token,
      body: {
        patientCode: 'LISTS-1',
        firstName: 'Piet',
        lastName: 'Peeters',
        careFlow: { definitionKey: 'knee-replacement', baseline: { surgeryDate: '2026-01-01' } },
      },
    });
    const runningId = patient.careFlows[0].id as string;

    const changed = await api.expect(
      200,
      'PATCH',
      `/v1/admin/hospitals/${hospital.id}/care-flow-definitions/knee-replacement`,
      {
        token: admin,
        body: {
          title: 'Knee replacement (2026)',
          baseline: [{ key: 'surgeryDate', type: 'date', required: true }],
        },
      },
    );
    expect(changed).toMatchObject({
      key: 'knee-replacement',
      title: 'Knee replacement (2026)',
      active: true,
    });
    expect(changed.baseline).toEqual([{ key: 'surgeryDate', type: 'date', required: true }]);

    const deactivated = await api.expect(
      200,
      'DELETE',
      `/v1/admin/hospitals/${hospital.id}/care-flow-definitions/knee-replacement`,
      {
        token: admin,
      },
    );
    expect(deactivated).toMatchObject({ key: 'knee-replacement', active: false });

    // The console still lists it, deactivated; the hospital's own list (what screens start from) does not.
    const forConsole = await api.expect(
      200,
      'GET',
      `/v1/admin/hospitals/${hospital.id}/care-flow-definitions`,
      { token: admin },
    );
    expect(forConsole).toEqual([expect.objectContaining({ key: 'knee-replacement', active: false })]);
    expect(await api.expect(200, 'GET', '/v1/care-flow-definitions', { token: hospital.token })).toEqual([]);

    const refused = await api.request('POST', `/v1/patients/${patient.id}/care-flows`, {
      token: hospital.token,
      body: { definitionKey: 'knee-replacement', baseline: { surgeryDate: '2026-02-01' } },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('CARE_FLOW_DEFINITION_NOT_FOUND');
    // The running care flow is untouched.
    const current = await api.expect(200, 'GET', `/v1/patients/${patient.id}`, { token: hospital.token });
    expect(current.careFlows).toEqual([expect.objectContaining({ id: runningId, status: 'active' })]);

    await api.expect(
      200,
      'PATCH',
      `/v1/admin/hospitals/${hospital.id}/care-flow-definitions/knee-replacement`,
      {
        token: admin,
        body: { active: true },
      },
    );
    expect(await api.expect(200, 'GET', '/v1/care-flow-definitions', { token: hospital.token })).toHaveLength(
      1,
    );
    const actions = (await auditActions(hospital.id)).map((event) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining(['care-flow-definition.changed', 'care-flow-definition.deactivated']),
    );
  });

  it('refuses bad input with a stable code, unknown definitions with 404, and non-admins with 403', async () => {
    const bad = await api.request(
      'PATCH',
      `/v1/admin/hospitals/${hospital.id}/care-flow-definitions/knee-replacement`,
      {
        token: admin,
        body: { baseline: [{ key: 'a', type: 'colour', required: true }] },
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    const duplicate = await api.request(
      'PATCH',
      `/v1/admin/hospitals/${hospital.id}/care-flow-definitions/knee-replacement`,
      {
        token: admin,
        body: {
          baseline: [
            { key: 'a', type: 'date', required: true },
            { key: 'a', type: 'string', required: false },
          ],
        },
      },
    );
    expect(duplicate.status).toBe(400);
    for (const key of ['no-such-definition', 'Not A Key']) {
      const unknown = await api.request(
        'PATCH',
        `/v1/admin/hospitals/${hospital.id}/care-flow-definitions/${encodeURIComponent(key)}`,
        {
          token: admin,
          body: { title: 'x' },
        },
      );
      expect(unknown.status).toBe(404);
    }
    // Another hospital's definition of the same key is its own: deactivating it here changed nothing there.
    expect(await api.expect(200, 'GET', '/v1/care-flow-definitions', { token: other.token })).toHaveLength(1);
    for (const [method, path] of [
      ['GET', `/v1/admin/hospitals/${hospital.id}/users`],
      ['GET', `/v1/admin/hospitals/${hospital.id}/care-flow-definitions`],
      ['DELETE', `/v1/admin/hospitals/${hospital.id}/care-flow-definitions/knee-replacement`],
    ]) {
      expect((await api.request(method, path, { token: hospital.token })).status).toBe(403);
    }
  });

  it("changes an API client's name and scopes: tokens it gets from now on carry the new scopes", async () => {
    const path = `/v1/admin/hospitals/${hospital.id}/api-clients/${hospital.clientId}`;
    const changed = await api.expect(200, 'PATCH', path, {
      token: admin,
      body: { name: 'EMR (production)', scopes: ['patients:read'] },
    });
    expect(changed).toMatchObject({
      clientId: hospital.clientId,
      name: 'EMR (production)',
      scopes: ['patients:read'],
      active: true,
    });
    expect(JSON.stringify(changed)).not.toMatch(/secret"?:\s*"cbs_/);
    const token = await api.token(hospital.clientId, hospital.clientSecret);
    expect((await api.request('GET', '/v1/patients', { token })).status).toBe(200);
    expect(
      (
        await api.request('POST', '/v1/patients', {
          token,
          body: { patientCode: 'X', firstName: 'X', lastName: 'X' },
        })
      ).status,
    ).toBe(403);

    for (const body of [{ scopes: ['admin'] }, { scopes: [] }, { name: '' }]) {
      const refused = await api.request('PATCH', path, { token: admin, body });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
    }
    // Another hospital's client is unknown here.
    expect(
      (
        await api.request('PATCH', `/v1/admin/hospitals/${other.id}/api-clients/${hospital.clientId}`, {
          token: admin,
          body: { name: 'x' },
        })
      ).status,
    ).toBe(404);
    const actions = (await auditActions(hospital.id)).map((event) => event.action);
    expect(actions).toContain('api-client.changed');
  });
});
