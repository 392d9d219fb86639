import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { PATCH_OP, expectScimError, scimRequester, scimUser } from './scim.helpers';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** SCIM Groups (Entra ID and Okta group push) mapped to Care-app roles by the hospital's admin mapping. */
describe('SCIM Groups as Care-app roles', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;
  let other: Awaited<ReturnType<Api['createHospital']>>;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    hospital = await api.createHospital('scim-groups', ['scim', 'users:write']);
    other = await api.createHospital('scim-groups-other', ['scim', 'users:write']);
    admin = await api.adminToken();
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/scim-group-roles`, {
      token: admin,
      body: {
        mappings: [
          { group: 'Cardiology Physicians', role: 'physician' },
          { group: 'okta-00g1admins', role: 'hospital-admin' },
          { group: 'Ward Admins', role: 'hospital-admin' },
        ],
      },
    });
  });
  afterAll(() => platform?.close());

  const scim = scimRequester(
    () => api,
    () => hospital.token,
  );
  const scimOther = scimRequester(
    () => api,
    () => other.token,
  );
  const rolesOf = async (id: string) =>
    ((await api.expect(200, 'GET', `/v1/users/${id}`, { token: hospital.token })).roles as string[]).sort();
  const newUser = async (userName: string) => {
    const created = await scim('POST', '/Users', scimUser(userName));
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const patchGroup = (id: string, ...operations: object[]) =>
    scim('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: operations });

  it('Entra ID group push: create, add and remove members, rename, delete change the members roles, audited', async () => {
    const anna = await newUser('anna@groups.example');
    const bert = await newUser('bert@groups.example');
    // Entra checks whether the group exists (without members), creates it empty, then adds members.
    const lookup = await scim(
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Cardiology Physicians"')}`,
    );
    expect(lookup.body).toMatchObject({ totalResults: 0, Resources: [] });
    const created = await scim('POST', '/Groups', {
      schemas: [GROUP],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'Cardiology Physicians',
      members: [],
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${platform.url}/scim/v2/Groups/${created.body.id}`);
    const groupId = created.body.id as string;
    expect(await rolesOf(anna)).toEqual(['clinician']);

    const added = await patchGroup(groupId, {
      op: 'Add',
      path: 'members',
      value: [{ value: anna }, { value: bert }],
    });
    expect(added.status).toBe(200);
    expect(added.body.members.map((member: { value: string }) => member.value).sort()).toEqual(
      [anna, bert].sort(),
    );
    expect(await rolesOf(anna)).toEqual(['clinician', 'physician']);
    expect(await rolesOf(bert)).toEqual(['clinician', 'physician']);
    // SCIM `roles` stays what was set on the user; the group's role shows in what the Care app grants.
    expect((await scim('GET', `/Users/${anna}`)).body.roles).toEqual([{ value: 'clinician' }]);

    await patchGroup(groupId, { op: 'Remove', path: 'members', value: [{ value: bert }] });
    expect(await rolesOf(bert)).toEqual(['clinician']);
    expect(await rolesOf(anna)).toEqual(['clinician', 'physician']);

    // Rename to a name mapped to another role: the members' roles follow.
    const renamed = await patchGroup(groupId, { op: 'Replace', path: 'displayName', value: 'Ward Admins' });
    expect(renamed.body.displayName).toBe('Ward Admins');
    expect(await rolesOf(anna)).toEqual(['clinician', 'hospital-admin']);

    const filtered = await scim(
      'GET',
      `/Groups?filter=${encodeURIComponent('displayName eq "ward admins"')}`,
    );
    expect(filtered.body.Resources.map((group: { id: string }) => group.id)).toEqual([groupId]);
    expect((await scim('GET', `/Groups/${groupId}?excludedAttributes=members`)).body.members).toBeUndefined();

    const deleted = await api.request('DELETE', `/scim/v2/Groups/${groupId}`, {
      token: hospital.token,
      headers: { 'content-type': 'application/scim+json' },
    });
    expect(deleted.status).toBe(204);
    expectScimError(await scim('GET', `/Groups/${groupId}`), 404);
    expect(await rolesOf(anna)).toEqual(['clinician']);

    const log = await api.expect(200, 'GET', `/v1/users/${anna}/audit-log`, { token: hospital.token });
    const entries = log.map((entry: { action: string; groupId?: string; fields: string[] }) => ({
      action: entry.action,
      groupId: entry.groupId,
      fields: entry.fields,
    }));
    expect(entries).toEqual(
      expect.arrayContaining([
        { action: 'group.updated', groupId, fields: ['member.added'] },
        { action: 'user.updated', groupId: undefined, fields: expect.arrayContaining(['roles']) },
      ]),
    );
    // Role changes: joined (physician), renamed (hospital-admin), group deleted (back to clinician).
    const roleChanges = entries.filter(
      (entry: { action: string; fields: string[] }) =>
        entry.action === 'user.updated' && entry.fields.includes('roles'),
    );
    expect(roleChanges).toHaveLength(3);
    // The hospital's audit trail names the group changes too.
    const trail = await api.expect(
      200,
      'GET',
      `/v1/admin/hospitals/${hospital.id}/audit-events?action=group.deleted`,
      {
        token: admin,
      },
    );
    expect(trail.events).toEqual([
      expect.objectContaining({ action: 'group.deleted', resource: { type: 'scim-group', id: groupId } }),
    ]);
  });

  it('Okta group push: create with members, rename without a path, add, remove by filter, delete', async () => {
    const carl = await newUser('carl@groups.example');
    const dana = await newUser('dana@groups.example');
    const created = await scim('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Okta Staff',
      members: [{ value: carl, display: 'carl@groups.example' }],
    });
    expect(created.status).toBe(201);
    const groupId = created.body.id as string;
    expect(await rolesOf(carl)).toEqual(['clinician']);
    // Okta renames with a path-less replace that carries the group's id; the new name is mapped (by externalId
    // here: the mapping names this group as okta-00g1admins).
    await patchGroup(groupId, {
      op: 'replace',
      value: { id: groupId, displayName: 'Okta Admins', externalId: 'okta-00g1admins' },
    });
    expect(await rolesOf(carl)).toEqual(['clinician', 'hospital-admin']);
    await patchGroup(groupId, {
      op: 'add',
      path: 'members',
      value: [{ value: dana, display: 'dana@groups.example' }],
    });
    expect(await rolesOf(dana)).toEqual(['clinician', 'hospital-admin']);
    await patchGroup(groupId, { op: 'remove', path: `members[value eq "${carl}"]` });
    expect(await rolesOf(carl)).toEqual(['clinician']);
    const group = (await scim('GET', `/Groups/${groupId}`)).body;
    expect(group).toMatchObject({
      displayName: 'Okta Admins',
      externalId: 'okta-00g1admins',
      members: [{ value: dana, type: 'User' }],
    });
    expect((await scim('DELETE', `/Groups/${groupId}`)).status).toBe(204);
    expect(await rolesOf(dana)).toEqual(['clinician']);
  });

  it('PUT of the mapping recomputes roles: a role set on the user stays, a group role goes with its mapping', async () => {
    const eva = await newUser('eva@groups.example');
    await scim('PATCH', `/Users/${eva}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'roles', value: [{ value: 'physician' }] }],
    });
    const { id: groupId } = (
      await scim('POST', '/Groups', { displayName: 'Night Shift', members: [{ value: eva }] })
    ).body;
    expect(await rolesOf(eva)).toEqual(['clinician', 'physician']);
    const mapped = await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/scim-group-roles`, {
      token: admin,
      body: {
        mappings: [
          { group: 'night shift', role: 'hospital-admin' },
          { group: 'Cardiology Physicians', role: 'physician' },
        ],
      },
    });
    expect(mapped).toMatchObject({ usersUpdated: 1 });
    expect(await rolesOf(eva)).toEqual(['clinician', 'hospital-admin', 'physician']);
    // Leaving the group takes only what the group gave.
    await patchGroup(groupId, { op: 'remove', path: 'members' });
    expect(await rolesOf(eva)).toEqual(['clinician', 'physician']);

    for (const body of [
      { mappings: [{ group: 'x', role: 'superuser' }] },
      { mappings: [{ group: '', role: 'physician' }] },
      {},
    ]) {
      expect(
        (
          await api.request('PUT', `/v1/admin/hospitals/${hospital.id}/scim-group-roles`, {
            token: admin,
            body,
          })
        ).status,
      ).toBe(400);
    }
    expect(
      (
        await api.request('PUT', `/v1/admin/hospitals/${hospital.id}/scim-group-roles`, {
          token: hospital.token,
          body: { mappings: [] },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await api.request(
          'PUT',
          `/v1/admin/hospitals/00000000-0000-4000-8000-000000000000/scim-group-roles`,
          { token: admin, body: { mappings: [] } },
        )
      ).status,
    ).toBe(404);
  });

  it('keeps hospitals apart: another hospital cannot see, change or join our groups and users', async () => {
    const fred = await newUser('fred@groups.example');
    const { id: groupId } = (
      await scim('POST', '/Groups', { displayName: 'Private Group', members: [{ value: fred }] })
    ).body;
    expectScimError(await scimOther('GET', `/Groups/${groupId}`), 404);
    expectScimError(
      await scimOther('PATCH', `/Groups/${groupId}`, { Operations: [{ op: 'remove', path: 'members' }] }),
      404,
    );
    expectScimError(await scimOther('PUT', `/Groups/${groupId}`, { displayName: 'Stolen' }), 404);
    expectScimError(await scimOther('DELETE', `/Groups/${groupId}`), 404);
    expect((await scimOther('GET', '/Groups')).body.totalResults).toBe(0);
    // Our user cannot be put in their group.
    const { id: theirs } = (await scimOther('POST', '/Groups', { displayName: 'Their Group' })).body;
    expectScimError(
      await scimOther('PATCH', `/Groups/${theirs}`, {
        Operations: [{ op: 'add', path: 'members', value: [{ value: fred }] }],
      }),
      400,
      'invalidValue',
    );
    expect((await scim('GET', `/Groups/${groupId}`)).body.members).toEqual([
      expect.objectContaining({ value: fred }),
    ]);
  });

  it('refuses a duplicate displayName (409 uniqueness), members that are not user ids (400), unknown paths (400)', async () => {
    await scim('POST', '/Groups', { displayName: 'Unique Name', externalId: 'ext-unique' });
    expectScimError(await scim('POST', '/Groups', { displayName: 'UNIQUE name' }), 409, 'uniqueness');
    expectScimError(
      await scim('POST', '/Groups', { displayName: 'Another', externalId: 'ext-unique' }),
      409,
      'uniqueness',
    );
    expectScimError(await scim('POST', '/Groups', { members: [] }), 400, 'invalidValue');
    const { id } = (await scim('POST', '/Groups', { displayName: 'Strict' })).body;
    expectScimError(
      await patchGroup(id, { op: 'add', path: 'members', value: 'string id 1' }),
      400,
      'invalidValue',
    );
    expectScimError(
      await patchGroup(id, {
        op: 'add',
        path: 'members',
        value: [{ value: '00000000-0000-4000-8000-000000000000' }],
      }),
      400,
      'invalidValue',
    );
    expectScimError(
      await patchGroup(id, { op: 'remove', path: 'members[shoeSize eq "1"]' }),
      400,
      'invalidFilter',
    );
    expectScimError(await patchGroup(id, { op: 'replace', path: 'owner', value: 'x' }), 400, 'invalidPath');
    expectScimError(
      await scim('GET', `/Groups?filter=${encodeURIComponent('owner eq "x"')}`),
      400,
      'invalidFilter',
    );
  });
});
