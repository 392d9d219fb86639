import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/** Hospitals carry an IANA time zone: set on create or PATCH, shown to the Care app, in the config document. */
describe('hospital time zone', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('defaults to Europe/Brussels, takes a zone on create and PATCH, and refuses what Intl does not know', async () => {
    const hospital = await api.createHospital('tz-default');
    expect(
      await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}`, { token: admin }),
    ).toMatchObject({
      key: 'tz-default',
      timezone: 'Europe/Brussels',
    });
    const lisbon = await api.expect(201, 'POST', '/v1/admin/hospitals', {
      token: admin,
      body: { key: 'tz-lisbon', name: 'Lisbon', timezone: 'Europe/Lisbon' },
    });
    expect(lisbon.timezone).toBe('Europe/Lisbon');

    for (const timezone of ['Mars/Olympus', 'CET+1', '']) {
      const refused = await api.request('POST', '/v1/admin/hospitals', {
        token: admin,
        body: { key: 'tz-bad', name: 'Bad', timezone },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ field: 'timezone', message: expect.stringContaining('IANA') }]);
    }

    const patched = await api.expect(200, 'PATCH', `/v1/admin/hospitals/${hospital.id}`, {
      token: admin,
      body: { timezone: 'America/New_York' },
    });
    expect(patched).toMatchObject({
      key: 'tz-default',
      name: 'Hospital tz-default',
      timezone: 'America/New_York',
    });
    const refused = await api.request('PATCH', `/v1/admin/hospitals/${hospital.id}`, {
      token: admin,
      body: { key: 'renamed' },
    });
    expect(refused.status).toBe(400);
    expect(
      (await api.request('PATCH', `/v1/admin/hospitals/${hospital.id}`, { token: hospital.token, body: {} }))
        .status,
    ).toBe(403);

    // The hospital's own token reads its hospital (the Care app shows times in this zone).
    expect(await api.expect(200, 'GET', '/v1/hospital', { token: hospital.token })).toMatchObject({
      id: hospital.id,
      timezone: 'America/New_York',
    });
    expect((await api.request('GET', '/v1/hospital', { token: admin })).status).toBe(403);
  });

  it('is part of the configuration document: exported, changed by applying it, round-trip unchanged', async () => {
    const hospital = await api.createHospital('tz-config');
    const path = `/v1/admin/hospitals/${hospital.id}/config`;
    const exported = await api.expect(200, 'GET', path, { token: admin });
    expect(exported.hospital).toEqual({
      key: 'tz-config',
      name: 'Hospital tz-config',
      timezone: 'Europe/Brussels',
    });
    const unchanged = await api.expect(200, 'PUT', `${path}?dryRun=true`, { token: admin, body: exported });
    expect(JSON.stringify(unchanged)).not.toContain('timezone');

    const moved = { ...exported, hospital: { ...exported.hospital, timezone: 'Europe/Paris' } };
    const diff = await api.expect(200, 'PUT', `${path}?dryRun=true`, { token: admin, body: moved });
    expect(JSON.stringify(diff)).toContain('Europe/Paris');
    await api.expect(200, 'PUT', path, { token: admin, body: moved });
    expect((await api.expect(200, 'GET', path, { token: admin })).hospital.timezone).toBe('Europe/Paris');

    const bad = { ...exported, hospital: { ...exported.hospital, timezone: 'Nowhere/Land' } };
    expect((await api.request('PUT', path, { token: admin, body: bad })).status).toBe(400);
  });
});
