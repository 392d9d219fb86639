// The simulator is a test peer on real sockets, not a service's internals: tests may start it directly.
import { SIM_IDS } from '../../apps/hospital-sim/src/dataset';
import { startHospitalSim, type HospitalSim } from '../../apps/hospital-sim/src/hospital-sim';
import { SIM_FAULTS } from '../../apps/hospital-sim/src/sim-faults';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

interface Entry {
  id: string;
  hospitalId: string;
  channel: string;
  direction: string;
  type: string;
  status: string;
  createdAt: string;
  controlId?: string;
}

describe('message log (GET /v1/admin/messages)', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let sim: HospitalSim;
  type Hospital = Awaited<ReturnType<Api['createHospital']>>;
  let north: Hospital;
  let south: Hospital;
  let web: Hospital;
  let startedAt: string;

  const list = async (query = ''): Promise<Entry[]> =>
    (await api.expect(200, 'GET', `/v1/admin/messages${query}`, { token: admin })).messages;

  async function lookup(hospital: Hospital, patientCode: string, status: number): Promise<void> {
    const response = await api.request('POST', '/v1/imports', {
      token: hospital.token,
      body: { patientCode },
    });
    expect(response.status).toBe(status);
  }

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = new Api(platform);
    admin = await api.adminToken();
    sim = await startHospitalSim();
    startedAt = new Date(Date.now() - 1000).toISOString();
    const connect = async (key: string, queryStyle: string) => {
      const hospital = await api.createHospital(key);
      await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/connections/hl7`, {
        token: admin,
        body: { host: sim.mllp.host, port: sim.mllp.port, queryStyle, patientIdAuthority: 'AZDEMO' },
      });
      await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/import-source`, {
        token: admin,
        body: { source: 'hl7' },
      });
      return hospital;
    };
    north = await connect('log-north', 'QRY_A19');
    south = await connect('log-south', 'QBP_Q22');
    web = await api.createHospital('log-web');
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${web.id}/connections/webservice`, {
      token: admin,
      body: { flavor: 'pdq', baseUrl: `${sim.http.baseUrl}/pdq` },
    });
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${web.id}/import-source`, {
      token: admin,
      body: { source: 'webservice' },
    });
    // In this order: north found, south not found, north hospital error, web found.
    await lookup(north, SIM_IDS.francoise, 200);
    await lookup(south, SIM_FAULTS.notFound, 404);
    await lookup(north, SIM_FAULTS.error, 502);
    await lookup(web, SIM_IDS.jurgen, 200);
  });
  afterAll(async () => {
    await platform?.close();
    await sim?.close();
  });

  it('lists every journal’s exchanges, newest first, merged across channels', async () => {
    const all = await list();
    expect(all.map((m) => [m.hospitalId, m.channel, m.status])).toEqual([
      [web.id, 'webservice', expect.any(String)],
      [north.id, 'a19', 'failed'],
      [south.id, 'a19', 'replied'],
      [north.id, 'a19', 'replied'],
    ]);
    const times = all.map((m) => Date.parse(m.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    for (const entry of all)
      expect(entry).toMatchObject({
        id: expect.any(String),
        direction: 'outbound',
        type: expect.any(String),
      });
  });

  it('filters by hospital, channel, type, status, direction, time window, and limits', async () => {
    expect((await list(`?hospitalId=${north.id}`)).map((m) => m.status)).toEqual(['failed', 'replied']);
    expect((await list('?channel=a19')).every((m) => m.channel === 'a19')).toBe(true);
    expect(await list('?channel=a19')).toHaveLength(3);
    expect((await list('?channel=webservice')).map((m) => m.hospitalId)).toEqual([web.id]);
    expect((await list(`?type=${encodeURIComponent('QBP^Q22')}`)).map((m) => m.hospitalId)).toEqual([
      south.id,
    ]);
    expect((await list('?status=failed')).map((m) => m.hospitalId)).toEqual([north.id]);
    expect(await list('?direction=inbound')).toEqual([]);
    expect(await list(`?from=${encodeURIComponent(startedAt)}&channel=a19`)).toHaveLength(3);
    expect(await list(`?to=${encodeURIComponent(startedAt)}`)).toEqual([]);
    expect(await list(`?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual(
      [],
    );
    const [newest] = await list();
    expect(await list('?limit=1')).toEqual([newest]);
    expect(
      await list(`?hospitalId=${north.id}&status=replied&type=${encodeURIComponent('QRY^A19')}&limit=5`),
    ).toHaveLength(1);
  });

  it('never carries raw content, replies or PHI in the list', async () => {
    const all = await list();
    for (const entry of all) {
      expect(entry).not.toHaveProperty('raw');
      expect(entry).not.toHaveProperty('reply');
      expect(entry).not.toHaveProperty('ack');
    }
    const text = JSON.stringify(all);
    for (const phi of ['Dubois', 'Françoise', 'Broeck', SIM_IDS.francoise, SIM_IDS.jurgen])
      expect(text).not.toContain(phi);
  });

  it('shows raw query, raw reply, summary and error in the detail', async () => {
    const [failed] = await list('?status=failed');
    const detail = await api.expect(200, 'GET', `/v1/admin/messages/${failed.id}`, { token: admin });
    expect(detail).toMatchObject({
      id: failed.id,
      status: 'failed',
      error: expect.any(String),
      summary: { outcome: 'hospital_error' },
    });
    expect(detail.raw).toContain(`|${failed.controlId}|`);
    expect(detail.reply).toContain(`MSA|AE|${failed.controlId}`);
    const [found] = await list(`?hospitalId=${north.id}&status=replied`);
    const foundDetail = await api.expect(200, 'GET', `/v1/admin/messages/${found.id}`, { token: admin });
    expect(foundDetail.raw).toContain(SIM_IDS.francoise);
    expect(foundDetail.reply).toContain('Dubois-Lemaître');
    expect(foundDetail.summary).toEqual({ outcome: 'found', candidates: 1, incomplete: 0 });
    expect(typeof foundDetail.durationMs).toBe('number');
  });

  it('serves the web-service journal’s detail too', async () => {
    const [webEntry] = await list('?channel=webservice');
    const detail = await api.expect(200, 'GET', `/v1/admin/messages/${webEntry.id}`, { token: admin });
    expect(detail).toMatchObject({ id: webEntry.id, channel: 'webservice', hospitalId: web.id });
  });

  it('is for platform admins only: 403 for a hospital token, 401 without a token', async () => {
    const [entry] = await list();
    for (const path of [
      '/v1/admin/messages',
      `/v1/admin/messages/${entry.id}`,
      `/v1/admin/messages?hospitalId=${north.id}`,
    ]) {
      const forbidden = await api.request('GET', path, { token: north.token });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.code).toBe('INSUFFICIENT_SCOPE');
      expect(JSON.stringify(forbidden.body)).not.toContain('MSH');
      expect((await api.request('GET', path)).status).toBe(401);
    }
  });

  it('is 404 for an unknown or malformed id', async () => {
    const unknown = await api.request('GET', '/v1/admin/messages/00000000-0000-4000-8000-000000000000', {
      token: admin,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    expect((await api.request('GET', '/v1/admin/messages/not-a-uuid', { token: admin })).status).toBe(404);
  });

  it('refuses bad filters with field errors', async () => {
    const bad = await api.request(
      'GET',
      '/v1/admin/messages?limit=0&status=lost&from=yesterday&hospitalId=x&colour=red',
      { token: admin },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'colour',
      'from',
      'hospitalId',
      'limit',
      'status',
    ]);
    for (const query of ['limit=ten', 'limit=501', 'status=sent&status=failed']) {
      const refused = await api.request('GET', `/v1/admin/messages?${query}`, { token: admin });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toHaveLength(1);
    }
  });

  it('documents its filters in the OpenAPI document', async () => {
    const document = await api.expect(200, 'GET', '/docs-json');
    const parameters = document.paths['/v1/admin/messages'].get.parameters.map(
      (p: { name: string }) => p.name,
    );
    expect(parameters.sort()).toEqual([
      'channel',
      'cursor',
      'direction',
      'from',
      'hospitalId',
      'limit',
      'status',
      'to',
      'type',
    ]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/admin/messages/{messageId}',
        '/v1/admin/hospitals/{hospitalId}/connections/hl7',
      ]),
    );
    // The page is described too (the Care app's types are generated from this document).
    const page = document.paths['/v1/admin/messages'].get.responses['200'].content['application/json'].schema;
    expect(page.$ref).toBe('#/components/schemas/MessageLogPageV1');
    expect(Object.keys(document.components.schemas.MessageLogPageV1.properties).sort()).toEqual([
      'messages',
      'nextCursor',
    ]);
  });
});
