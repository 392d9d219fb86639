import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { CORE, ENTERPRISE, LIST, expectScimError, scimRequester, scimUser } from './scim.helpers';

describe('SCIM 2.0 (/scim/v2): discovery, create, list and filter', () => {
  let platform: TestPlatform;
  let api: Api;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    hospital = await api.createHospital('scim-a', ['scim', 'users:write', 'patients:read']);
  });
  afterAll(() => platform?.close());

  const scim = scimRequester(
    () => api,
    () => hospital.token,
  );

  describe('discovery', () => {
    it('serves ServiceProviderConfig, ResourceTypes and Schemas as application/scim+json', async () => {
      const config = await scim('GET', '/ServiceProviderConfig');
      expect(config.status).toBe(200);
      expect(config.headers.get('content-type')).toContain('application/scim+json');
      expect(config.body).toMatchObject({
        patch: { supported: true },
        bulk: { supported: false },
        filter: { supported: true, maxResults: 200 },
        authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
      });
      const types = await scim('GET', '/ResourceTypes');
      expect(types.body).toMatchObject({
        schemas: [LIST],
        totalResults: 2,
        Resources: [
          { id: 'User', endpoint: '/Users', schema: CORE },
          { id: 'Group', endpoint: '/Groups', schema: 'urn:ietf:params:scim:schemas:core:2.0:Group' },
        ],
      });
      expect((await scim('GET', '/ResourceTypes/User')).body.schemaExtensions).toEqual([
        { schema: ENTERPRISE, required: false },
      ]);
      const schemas = await scim('GET', '/Schemas');
      expect(schemas.body.Resources.map((schema: { id: string }) => schema.id)).toEqual([
        CORE,
        ENTERPRISE,
        'urn:ietf:params:scim:schemas:core:2.0:Group',
      ]);
      const core = await scim('GET', `/Schemas/${CORE}`);
      expect(core.body.attributes.map((attribute: { name: string }) => attribute.name)).toEqual(
        expect.arrayContaining(['userName', 'externalId', 'name', 'active', 'emails']),
      );
      expectScimError(await scim('GET', '/Schemas/urn:unknown'), 404);
      expectScimError(await scim('GET', '/Bulk'), 404);
    });
  });

  describe('Users', () => {
    it('creates a user (201, Location), which the REST API sees as the same user', async () => {
      const created = await scim(
        'POST',
        '/Users',
        scimUser('griet.goossens@scim-a.example', {
          externalId: 'aad-0001',
          [ENTERPRISE]: { employeeNumber: 'PHY-900', department: 'Cardiology' },
          roles: [{ value: 'Physician' }, { value: 'Some IdP role' }],
          phoneNumbers: [{ value: '+32 2 000 00 00', type: 'work' }],
          preferredLanguage: 'nl-BE',
        }),
      );
      expect(created.status).toBe(201);
      expect(created.headers.get('content-type')).toContain('application/scim+json');
      const { id } = created.body;
      expect(created.headers.get('location')).toBe(`${platform.url}/scim/v2/Users/${id}`);
      expect(created.body).toEqual({
        schemas: [CORE, ENTERPRISE],
        id,
        externalId: 'aad-0001',
        userName: 'griet.goossens@scim-a.example',
        name: { givenName: 'Griet', familyName: 'Goossens', formatted: 'Griet Goossens' },
        displayName: 'Griet Goossens',
        emails: [{ value: 'griet.goossens@scim-a.example', type: 'work', primary: true }],
        preferredLanguage: 'nl-BE',
        active: true,
        roles: [{ value: 'physician' }],
        [ENTERPRISE]: { employeeNumber: 'PHY-900' },
        meta: {
          resourceType: 'User',
          created: expect.any(String),
          lastModified: expect.any(String),
          location: `${platform.url}/scim/v2/Users/${id}`,
        },
      });
      const rest = await api.expect(200, 'GET', `/v1/users/${id}`, { token: hospital.token });
      expect(rest).toMatchObject({
        email: 'griet.goossens@scim-a.example',
        firstName: 'Griet',
        lastName: 'Goossens',
        hospitalUserId: 'aad-0001',
        physicianCode: 'PHY-900',
        preferredLanguage: 'nl-BE',
        roles: ['physician'],
        active: true,
      });
      expect((await scim('GET', `/Users/${id}`)).body).toEqual(created.body);
    });

    it('refuses a duplicate userName (any case) or externalId with 409 uniqueness', async () => {
      expectScimError(
        await scim('POST', '/Users', scimUser('GRIET.goossens@scim-a.example')),
        409,
        'uniqueness',
      );
      expectScimError(
        await scim('POST', '/Users', scimUser('someone.else@scim-a.example', { externalId: 'aad-0001' })),
        409,
        'uniqueness',
      );
      expectScimError(
        await scim(
          'POST',
          '/Users',
          scimUser('third@scim-a.example', { [ENTERPRISE]: { employeeNumber: 'PHY-900' } }),
        ),
        409,
        'uniqueness',
      );
      const list = await scim(
        'GET',
        `/Users?filter=${encodeURIComponent('userName eq "someone.else@scim-a.example"')}`,
      );
      expect(list.body.totalResults).toBe(0);
    });

    it('accepts application/json bodies too, and refuses invalid bodies with SCIM 400s', async () => {
      const json = await api.request('POST', '/scim/v2/Users', {
        token: hospital.token,
        body: scimUser('json.body@scim-a.example'),
      });
      expect(json.status).toBe(201);
      const withCharset = await api.request('POST', '/scim/v2/Users', {
        token: hospital.token,
        rawBody: JSON.stringify(scimUser('charset.body@scim-a.example')),
        headers: { 'content-type': 'application/scim+json; charset=utf-8' },
      });
      expect(withCharset.status).toBe(201);
      const text = await api.request('POST', '/scim/v2/Users', {
        token: hospital.token,
        rawBody: JSON.stringify(scimUser('text.body@scim-a.example')),
        headers: { 'content-type': 'text/plain' },
      });
      expectScimError(text, 400, 'invalidSyntax');
      expectScimError(
        await scim('POST', '/Users', { schemas: [CORE], name: { givenName: 'No' } }),
        400,
        'invalidValue',
      );
      expectScimError(await scim('POST', '/Users', scimUser('not-an-email')), 400, 'invalidValue');
      expectScimError(
        await scim('POST', '/Users', scimUser('bad.active@scim-a.example', { active: 'maybe' })),
        400,
        'invalidValue',
      );
      const broken = await api.request('POST', '/scim/v2/Users', {
        token: hospital.token,
        rawBody: '{"userName": ',
        headers: { 'content-type': 'application/scim+json' },
      });
      expectScimError(broken, 400, 'invalidSyntax');
    });

    it('lists with startIndex (1-based) and count, in a stable order', async () => {
      for (const n of [1, 2, 3]) await scim('POST', '/Users', scimUser(`page${n}@scim-a.example`));
      const all = await scim('GET', '/Users');
      expect(all.body).toMatchObject({ schemas: [LIST], startIndex: 1 });
      expect(all.body.itemsPerPage).toBe(all.body.totalResults);
      const total = all.body.totalResults as number;
      const userNames = all.body.Resources.map((user: { userName: string }) => user.userName);
      const page = await scim('GET', '/Users?startIndex=2&count=2');
      expect(page.body).toMatchObject({ totalResults: total, startIndex: 2, itemsPerPage: 2 });
      expect(page.body.Resources.map((user: { userName: string }) => user.userName)).toEqual(
        userNames.slice(1, 3),
      );
      const countOnly = await scim('GET', '/Users?count=0');
      expect(countOnly.body).toMatchObject({ totalResults: total, itemsPerPage: 0, Resources: [] });
      const clamped = await scim('GET', '/Users?startIndex=0&count=-5');
      expect(clamped.body).toMatchObject({ startIndex: 1, itemsPerPage: 0 });
      const beyond = await scim('GET', `/Users?startIndex=${total + 1}`);
      expect(beyond.body).toMatchObject({ totalResults: total, itemsPerPage: 0, Resources: [] });
      expectScimError(await scim('GET', '/Users?count=lots'), 400, 'invalidValue');
    });

    it('filters on userName (case-insensitive), externalId, and both joined by and', async () => {
      const filter = async (expression: string) =>
        (await scim('GET', `/Users?filter=${encodeURIComponent(expression)}`)).body;
      expect(
        (await filter('userName eq "GRIET.GOOSSENS@scim-a.example"')).Resources.map(
          (u: { externalId: string }) => u.externalId,
        ),
      ).toEqual(['aad-0001']);
      expect((await filter('externalId eq "aad-0001"')).totalResults).toBe(1);
      expect((await filter('externalId eq "AAD-0001"')).totalResults).toBe(0);
      expect(
        (await filter('userName EQ "griet.goossens@scim-a.example" AND externalId eq "aad-0001"'))
          .totalResults,
      ).toBe(1);
      expect(
        (await filter('(userName eq "griet.goossens@scim-a.example") and active eq true')).totalResults,
      ).toBe(1);
      expect(
        (await filter('userName eq "griet.goossens@scim-a.example" and externalId eq "other"')).totalResults,
      ).toBe(0);
      expect((await filter(`${CORE}:userName eq "griet.goossens@scim-a.example"`)).totalResults).toBe(1);
      expect((await filter('userName co "GOOSSENS" or userName eq "b"')).totalResults).toBe(1);
      for (const unsupported of [
        'userName eq',
        'title eq "x"',
        'active gt true',
        'meta.created gt "yesterday"',
        'userName eq "unclosed',
      ]) {
        expectScimError(
          await scim('GET', `/Users?filter=${encodeURIComponent(unsupported)}`),
          400,
          'invalidFilter',
        );
      }
    });
  });
});
