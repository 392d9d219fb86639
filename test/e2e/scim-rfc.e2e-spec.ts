import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { PATCH_OP, expectScimError, scimRequester, scimUser } from './scim.helpers';

/** Issue 10's SCIM fixes and issue 13's RFC 7643/7644 reading: any userName, paths, filters, kept attributes. */
describe('SCIM 2.0: userName, paths, filters and kept attributes as RFC 7643/7644 have them', () => {
  let platform: TestPlatform;
  let api: Api;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    hospital = await api.createHospital('scim-rfc', ['scim', 'users:write']);
  });
  afterAll(() => platform?.close());

  const scim = scimRequester(
    () => api,
    () => hospital.token,
  );
  const rest = (id: string) => api.expect(200, 'GET', `/v1/users/${id}`, { token: hospital.token });
  const patch = (id: string, ...operations: object[]) =>
    scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: operations });

  it('answers 204 to a DELETE that carries a SCIM (or JSON) content type and no body', async () => {
    for (const contentType of ['application/scim+json', 'application/json']) {
      const { id } = (await scim('POST', '/Users', scimUser(`delete.${contentType.length}@rfc.example`)))
        .body;
      const deleted = await api.request('DELETE', `/scim/v2/Users/${id}`, {
        token: hospital.token,
        headers: { 'content-type': contentType },
      });
      expect(deleted.status).toBe(204);
      expectScimError(await scim('GET', `/Users/${id}`), 404);
    }
    // A POST with the header and no body is still a SCIM 400, not a 500.
    const empty = await api.request('POST', '/scim/v2/Users', {
      token: hospital.token,
      headers: { 'content-type': 'application/scim+json' },
    });
    expectScimError(empty, 400, 'invalidSyntax');
  });

  it('refuses a roles filter it cannot read (400) and leaves every role in place', async () => {
    const { id } = (
      await scim(
        'POST',
        '/Users',
        scimUser('roles@rfc.example', { roles: [{ value: 'physician' }, { value: 'clinician' }] }),
      )
    ).body;
    for (const path of [
      'roles[shoeSize eq "x"]',
      'roles[value eq]',
      'roles[value eq "a" or',
      'roles[primary gt true]',
    ]) {
      const refused = await patch(id, { op: 'remove', path });
      expect(refused.status).toBe(400);
      expect(['invalidFilter', 'invalidPath']).toContain(refused.body.scimType);
    }
    expect((await rest(id)).roles.sort()).toEqual(['clinician', 'physician']);
    const removed = await patch(id, { op: 'remove', path: 'roles[value eq "PHYSICIAN"]' });
    expect(removed.body.roles).toEqual([{ value: 'clinician' }]);
    expect((await rest(id)).roles).toEqual(['clinician']);
  });

  it('applies emails patches: the Care-app e-mail follows the primary work address', async () => {
    const { id } = (await scim('POST', '/Users', scimUser('mail.before@rfc.example'))).body;
    const patched = await patch(id, {
      op: 'replace',
      path: 'emails[type eq "work"].value',
      value: 'mail.after@rfc.example',
    });
    expect(patched.status).toBe(200);
    expect(patched.body.emails).toEqual([{ value: 'mail.after@rfc.example', type: 'work', primary: true }]);
    expect((await rest(id)).email).toBe('mail.after@rfc.example');
    const added = await patch(id, {
      op: 'add',
      path: 'emails',
      value: [{ value: 'home@rfc.example', type: 'home' }],
    });
    expect(added.body.emails).toHaveLength(2);
    const replaced = await patch(id, {
      op: 'replace',
      path: 'emails',
      value: [{ value: 'only@rfc.example', type: 'work' }],
    });
    expect(replaced.body.emails).toEqual([{ value: 'only@rfc.example', type: 'work' }]);
    expect((await rest(id)).email).toBe('only@rfc.example');
  });

  it('takes any unique userName; the e-mail from emails; 400 invalidValue when there is none anywhere', async () => {
    const created = await scim('POST', '/Users', {
      userName: 'UserName123',
      displayName: 'BobIsAmazing',
      name: { formatted: 'Ryan Leenay', familyName: 'Leenay', givenName: 'Ryan' },
      emails: [
        { Primary: false, type: 'home', value: 'home@bob.example' },
        { Primary: true, type: 'work', value: 'work@bob.example' },
      ],
      addresses: [{ type: 'work', country: 'Germany', locality: 'Berlin', unknownPart: 'dropped' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      userName: 'UserName123',
      displayName: 'BobIsAmazing',
      name: { formatted: 'Ryan Leenay' },
      emails: [
        { value: 'home@bob.example', type: 'home', primary: false },
        { value: 'work@bob.example', type: 'work', primary: true },
      ],
      addresses: [{ type: 'work', country: 'Germany', locality: 'Berlin' }],
    });
    expect(JSON.stringify(created.body)).not.toContain('unknownPart');
    expect((await rest(created.body.id)).email).toBe('work@bob.example');
    // Two accounts may share a mailbox; userName is what must be unique (any letter case).
    expect(
      (await scim('POST', '/Users', { userName: 'UserName124', emails: [{ value: 'work@bob.example' }] }))
        .status,
    ).toBe(201);
    expectScimError(
      await scim('POST', '/Users', { userName: 'USERNAME123', emails: [{ value: 'x@bob.example' }] }),
      409,
      'uniqueness',
    );
    for (const body of [
      { userName: 'nomail' },
      { userName: 'nomail', emails: [{ value: 'not an address', primary: true }] },
    ]) {
      const refused = await scim('POST', '/Users', body);
      expectScimError(refused, 400, 'invalidValue');
      expect(refused.body.detail).toMatch(/e-mail/);
    }
    // Renaming the userName keeps the e-mail; PUT keeps the lists it did not send.
    const renamed = await patch(created.body.id, { op: 'replace', path: 'userName', value: 'ryan3' });
    expect(renamed.body.userName).toBe('ryan3');
    const put = await scim('PUT', `/Users/${created.body.id}`, {
      userName: 'ryan3',
      name: { formatted: 'NewName' },
    });
    expect(put.body).toMatchObject({ name: { formatted: 'NewName' }, addresses: [{ country: 'Germany' }] });
    expect((await rest(created.body.id)).email).toBe('work@bob.example');
  });

  it('serves resource paths in any letter case and with a trailing slash', async () => {
    for (const path of [
      '/users',
      '/USERS',
      '/Users/',
      '/users/?count=1',
      '/resourcetypes',
      '/SCHEMAS/',
      '/serviceproviderconfig',
      '/groups',
    ]) {
      const answer = await scim('GET', path);
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
      expect(answer.headers.get('content-type')).toContain('application/scim+json');
    }
    const { id } = (await scim('POST', '/users', scimUser('paths@rfc.example'))).body;
    expect((await scim('GET', `/USERS/${id}/`)).body.id).toBe(id);
    expect(
      (await scim('GET', `/Users/?filter=${encodeURIComponent('userName eq "paths@rfc.example"')}`)).body
        .totalResults,
    ).toBe(1);
  });

  describe('filters (RFC 7644 §3.4.2.2) over the advertised attributes', () => {
    let employees: string[];
    beforeAll(async () => {
      employees = [];
      for (const [userName, family, mail, active] of [
        ['OMalley', 'OMalley', 'anna33@example.com', true],
        ['emp1', 'Employee', 'e1@example.org', true],
        ['emp2', 'Employee', 'e2@example.com', false],
        ['emp3', 'Other', 'e3@elsewhere.example', true],
      ] as const) {
        const created = await scim('POST', '/Users', {
          userName,
          active,
          name: { givenName: 'Darl', familyName: family },
          emails: [
            { value: mail, type: 'work', primary: true },
            { value: `${userName}@home.example`, type: 'home' },
          ],
          externalId: `ext-${userName}`,
        });
        expect(created.status).toBe(201);
        employees.push(created.body.id);
      }
    });

    const count = async (filter: string) => {
      const answer = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}&count=200`);
      expect({ filter, status: answer.status }).toEqual({ filter, status: 200 });
      return (answer.body.Resources as { userName: string }[]).map((user) => user.userName).sort();
    };

    it('reads every operator, and/or/not, grouping and value paths', async () => {
      expect(await count('userName sw "EMP"')).toEqual(['emp1', 'emp2', 'emp3']);
      expect(await count('userName ew "2"')).toEqual(['emp2']);
      expect(await count('userName co "mall"')).toEqual(['OMalley']);
      expect(await count('userName ne "emp1" and userName sw "emp"')).toEqual(['emp2', 'emp3']);
      expect(await count('userName gt "emp1" and userName le "emp3"')).toEqual(['emp2', 'emp3']);
      expect(await count('userName ge "emp3" and userName lt "emp4"')).toEqual(['emp3']);
      expect(
        await count(
          'name.familyName eq "Employee" and (emails.value co "example.com" or emails.value co "example.org")',
        ),
      ).toEqual(['emp1', 'emp2']);
      // Unquoted values, as the Microsoft collection sends them.
      expect(
        await count(
          'name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)',
        ),
      ).toEqual(['emp1', 'emp2']);
      expect(await count('not (userName sw "emp") and externalId eq "ext-OMalley"')).toEqual(['OMalley']);
      expect(await count('emails[type eq "work" and value ew "example.com"] and userName pr')).toEqual([
        'OMalley',
        'emp2',
      ]);
      expect(await count('emails[type eq "home" and value sw "emp3"]')).toEqual(['emp3']);
      expect(await count('emails.value eq "E1@EXAMPLE.ORG"')).toEqual(['emp1']);
      expect(await count('active eq false and userName sw "emp"')).toEqual(['emp2']);
      expect(await count('externalId eq "EXT-EMP1"')).toEqual([]);
      expect(
        (await count('meta.created gt 2015-10-10T14:38:21.8617979-07:00 and userName sw "emp"')).length,
      ).toBe(3);
      expect(await count('meta.lastModified lt "2015-01-01T00:00:00Z"')).toEqual([]);
      expect(await count(`id eq "${employees[1]}"`)).toEqual(['emp1']);
      expect(await count('displayName eq "Darl Other"')).toEqual(['emp3']);
      expect(await count('name.formatted co "darl o"')).toEqual(['OMalley', 'emp3']);
      expect(await count('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "emp3"')).toEqual(['emp3']);
    });

    it('never lets a value into the SQL text, and refuses attributes it does not advertise', async () => {
      expect(await count(`userName eq "emp1' OR '1'='1"`)).toEqual([]);
      expect(await count('userName co "%"')).toEqual([]);
      expect(await count('userName co "_"')).toEqual([]);
      expect(await count(`userName eq "x\\" or userName pr or \\"y"`)).toEqual([]);
      for (const filter of [
        'password eq "x"',
        'emails[shoeSize eq "1"]',
        'name.nickname eq "x"',
        'active co "t"',
        'userName eq "a" or',
      ]) {
        expectScimError(
          await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`),
          400,
          'invalidFilter',
        );
      }
    });
  });

  it('provisions an Entra ID tenant whose userName is the employee id, without changes on its side', async () => {
    const entra = scimRequester(
      () => api,
      () => hospital.token,
    );
    // Entra: the existence check, then the create (userName ← employeeId, emails ← mail), then updates.
    const lookup = await entra('GET', `/Users?filter=${encodeURIComponent('userName eq "100234"')}`);
    expect(lookup.body.totalResults).toBe(0);
    const created = await entra('POST', '/Users', {
      schemas: [
        'urn:ietf:params:scim:schemas:core:2.0:User',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      ],
      externalId: 'f6a9d3c2-0000-4000-8000-000000100234',
      userName: '100234',
      active: true,
      displayName: 'Sofie Maes',
      emails: [{ primary: true, type: 'work', value: 'sofie.maes@contoso.example' }],
      name: { formatted: 'Sofie Maes', familyName: 'Maes', givenName: 'Sofie' },
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '100234' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(
      (await entra('GET', `/Users?filter=${encodeURIComponent('userName eq "100234"')}`)).body.Resources[0]
        .id,
    ).toBe(id);
    await entra('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'sofie.maes2@contoso.example' },
        { op: 'Replace', path: 'active', value: 'False' },
      ],
    });
    expect(await rest(id)).toMatchObject({
      email: 'sofie.maes2@contoso.example',
      active: false,
      firstName: 'Sofie',
      physicianCode: '100234',
    });
    expect((await entra('DELETE', `/Users/${id}`)).status).toBe(204);
  });
});
