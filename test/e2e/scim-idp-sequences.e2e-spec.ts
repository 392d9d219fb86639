import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * The request sequences Microsoft Entra ID and Okta send when provisioning, replayed with their bodies
 * as the IdPs document them (Entra: "Develop and plan provisioning for a SCIM endpoint"; Okta: "SCIM 2.0
 * protocol reference"), quirks included: Entra's capitalised ops and "False" strings, Okta's password
 * and locale attributes and full-replace PUTs.
 */
describe('SCIM request sequences of real IdPs', () => {
  let platform: TestPlatform;
  let api: Api;
  let entra: Awaited<ReturnType<Api['createHospital']>>;
  let okta: Awaited<ReturnType<Api['createHospital']>>;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    entra = await api.createHospital('idp-entra', ['scim', 'users:write']);
    okta = await api.createHospital('idp-okta', ['scim', 'users:write']);
  });
  afterAll(() => platform?.close());

  const send = (token: string, method: string, path: string, body?: unknown) =>
    api.request(method, `/scim/v2${path}`, {
      token,
      ...(body !== undefined
        ? { rawBody: JSON.stringify(body), headers: { 'content-type': 'application/scim+json' } }
        : {}),
    });
  const filter = (expression: string) => `filter=${encodeURIComponent(expression)}`;

  it('Microsoft Entra ID: test connection, filter, create, patch (capitalised ops, "False" strings), delete', async () => {
    const idp = (method: string, path: string, body?: unknown) => send(entra.token, method, path, body);
    const userName = 'Test_User_ab6490ee@contoso.onmicrosoft.com';

    // Test connection: a random userName that matches nobody.
    const probe = await idp('GET', `/Users?${filter('userName eq "ec5ab4df-5d0c-4a11-a8bd-0b0a4f7f3f7e"')}`);
    expect(probe.status).toBe(200);
    expect(probe.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });

    // Create: Entra looks the user up first, then creates it.
    const lookup = await idp('GET', `/Users?${filter(`userName eq "${userName}"`)}`);
    expect(lookup.body.totalResults).toBe(0);
    const created = await idp('POST', '/Users', {
      schemas: [
        'urn:ietf:params:scim:schemas:core:2.0:User',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      ],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName,
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({
      userName,
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      active: true,
    });
    expect(created.headers.get('location')).toMatch(new RegExp(`/scim/v2/Users/${id}$`));

    // Entra reads back by id and by filter (on externalId too, when it matches on objectId).
    expect((await idp('GET', `/Users/${id}`)).body.id).toBe(id);
    expect(
      (await idp('GET', `/Users?${filter(`userName eq "${userName}"`)}`)).body.Resources.map(
        (u: { id: string }) => u.id,
      ),
    ).toEqual([id]);
    expect(
      (await idp('GET', `/Users?${filter('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')}`)).body
        .totalResults,
    ).toBe(1);

    // Update multi-valued and single-valued attributes.
    const multi = await idp('PATCH', `/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ],
    });
    expect(multi.status).toBe(200);
    expect(multi.body.name.familyName).toBe('updatedFamilyName');
    const renamed = await idp('PATCH', `/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'userName', value: '5b50642d@contoso.onmicrosoft.com' }],
    });
    expect(renamed.body.userName).toBe('5b50642d@contoso.onmicrosoft.com');

    // Entra's older, non-compliant forms: "Add" without a path, dotted keys, the enterprise extension.
    const added = await idp('PATCH', `/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Add', value: { displayName: 'New Display', 'name.givenName': 'Anna', title: 'Nurse' } },
        {
          op: 'Add',
          path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
          value: '701984',
        },
        {
          op: 'Add',
          path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
          value: 'Cardiology',
        },
        { op: 'Add', path: 'phoneNumbers[type eq "work"].value', value: '+32 2 555 01 01' },
      ],
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({
      name: { givenName: 'Anna', familyName: 'updatedFamilyName' },
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '701984' },
    });

    // Disable: the flag-less tenant sends "False" as a string, the compliant one a boolean.
    const disabled = await idp('PATCH', `/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body.active).toBe(false);
    const rest = await api.expect(200, 'GET', `/v1/users/${id}`, { token: entra.token });
    // The e-mail is the work address Entra patched (emails[type eq "work"].value), not the userName.
    expect(rest).toMatchObject({
      active: false,
      email: 'updatedEmail@microsoft.com',
      firstName: 'Anna',
      physicianCode: '701984',
    });
    const enabled = await idp('PATCH', `/Users/${id}`, {
      Operations: [{ op: 'Replace', path: 'active', value: true }],
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    });
    expect(enabled.body.active).toBe(true);
    const disabledAgain = await idp('PATCH', `/Users/${id}`, {
      Operations: [{ op: 'Replace', path: 'active', value: false }],
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    });
    expect(disabledAgain.body.active).toBe(false);

    // Delete (after the soft-delete period).
    expect((await idp('DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await idp('GET', `/Users/${id}`)).status).toBe(404);
    expect(
      (await idp('GET', `/Users?${filter('userName eq "5b50642d@contoso.onmicrosoft.com"')}`)).body
        .totalResults,
    ).toBe(0);
  });

  it('Okta: test connection, filter, create, get, PUT full replace, PUT active:false, reactivate', async () => {
    const idp = (method: string, path: string, body?: unknown) => send(okta.token, method, path, body);
    await api.expect(201, 'POST', '/v1/users', {
      token: okta.token,
      body: {
        email: 'existing.one@okta.local',
        firstName: 'Existing',
        lastName: 'One',
        roles: ['clinician'],
      },
    });
    await api.expect(201, 'POST', '/v1/users', {
      token: okta.token,
      body: {
        email: 'existing.two@okta.local',
        firstName: 'Existing',
        lastName: 'Two',
        roles: ['clinician'],
      },
    });

    // Test connector configuration: the first page of two users.
    const firstPage = await idp('GET', '/Users?startIndex=1&count=2');
    expect(firstPage.status).toBe(200);
    expect(firstPage.body).toMatchObject({ totalResults: 3, startIndex: 1, itemsPerPage: 2 });
    expect(firstPage.body.Resources).toHaveLength(2);

    // Create: filter first (with paging parameters), then POST with Okta's extra attributes.
    const lookup = await idp(
      'GET',
      `/Users?${filter('userName eq "test.user@okta.local"')}&startIndex=1&count=100`,
    );
    expect(lookup.body).toMatchObject({ totalResults: 0, Resources: [] });
    const created = await idp('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(JSON.stringify(created.body)).not.toContain('1mz050nq');
    expect((await idp('GET', `/Users/${id}`)).body).toMatchObject({
      id,
      userName: 'test.user@okta.local',
      active: true,
    });

    // Profile change: a full replace.
    const replaced = await idp('PUT', `/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id,
      userName: 'test.user@okta.local',
      name: { givenName: 'Another', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Another User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      active: true,
      meta: {
        resourceType: 'User',
        created: created.body.meta.created,
        lastModified: created.body.meta.lastModified,
      },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      id,
      name: { givenName: 'Another', familyName: 'User' },
      active: true,
    });

    // Deactivation: the same full body with active false.
    const deactivated = await idp('PUT', `/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id,
      userName: 'test.user@okta.local',
      name: { givenName: 'Another', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Another User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      active: false,
    });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);
    expect(await api.expect(200, 'GET', `/v1/users/${id}`, { token: okta.token })).toMatchObject({
      active: false,
      firstName: 'Another',
    });
    // A deactivated user stays visible to Okta (it matches on it when reassigned).
    expect(
      (await idp('GET', `/Users?${filter('userName eq "test.user@okta.local"')}&startIndex=1&count=100`)).body
        .totalResults,
    ).toBe(1);

    // Reactivation: Okta's PATCH without a path.
    const reactivated = await idp('PATCH', `/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { active: true } }],
    });
    expect(reactivated.status).toBe(200);
    expect(reactivated.body.active).toBe(true);
  });
});
