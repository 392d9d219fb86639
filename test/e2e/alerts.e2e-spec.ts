// The simulator is a test peer on real sockets, not a service's internals: tests may start it directly.
import { Client } from 'pg';
import { freePort } from '@bridge/database';
import { sendMllp } from '@bridge/hl7';
import { expectEventually } from '@bridge/testing';
import { SIM_IDS } from '../../apps/hospital-sim/src/dataset';
import { startHospitalSim, type HospitalSim } from '../../apps/hospital-sim/src/hospital-sim';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { alertBus, type AlertBus } from './alerts.fixtures';
import { dropFile, siuMessage, SiuDriver } from './siu.fixtures';

/**
 * QUALITY.md O2 and PRODUCT.md "Operations" (alerts): a dead letter, an SIU file the schedule expected that
 * did not come, a hospital that does not answer, too many failed exchanges, a real-time listener silent in
 * opening hours; each opens one alert, stays one alert while it lasts, resolves once when fixed, and is
 * announced exactly twice (opened, resolved) on the bus.
 */
describe('alerts that know the schedule (O2)', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let sim: HospitalSim;
  let bus: AlertBus;
  let notifierDb: Client;

  beforeAll(async () => {
    platform = await startTestPlatform({ ALERTS_EVALUATE_INTERVAL_MS: '200' });
    api = new Api(platform);
    admin = await api.adminToken();
    sim = await startHospitalSim();
    bus = await alertBus(platform);
    notifierDb = new Client({ connectionString: platform.serviceDatabaseUrls.notifier });
    await notifierDb.connect();
  });
  afterAll(async () => {
    await notifierDb?.end();
    await bus?.close();
    await platform?.close();
    await sim?.close();
  });

  const rulesPath = (hospitalId: string) => `/v1/admin/hospitals/${hospitalId}/alert-rules`;
  const putRules = (hospitalId: string, rules: unknown[]) =>
    api.expect(200, 'PUT', rulesPath(hospitalId), { token: admin, body: { rules } });
  const alertsOf = async (hospitalId: string, state?: string) =>
    (
      await api.expect(
        200,
        'GET',
        `/v1/admin/alerts?hospitalId=${hospitalId}${state ? `&state=${state}` : ''}`,
        {
          token: admin,
        },
      )
    ).alerts;
  async function waitForAlert(hospitalId: string, state: 'open' | 'resolved') {
    let alert: any;
    await expectEventually(
      async () => {
        [alert] = await alertsOf(hospitalId, state);
        expect(alert).toBeDefined();
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    return alert;
  }

  describe('rules', () => {
    it('are stored with their defaults, shown by GET, replaced whole by PUT, and audited', async () => {
      const hospital = await api.createHospital('alert-rules');
      expect(await api.expect(200, 'GET', rulesPath(hospital.id), { token: admin })).toEqual({
        hospitalId: hospital.id,
        rules: [],
      });
      const saved = await putRules(hospital.id, [
        { kind: 'siu-file-missing', graceMinutes: 45, closedDays: ['sun', 'sat'], holidays: ['2026-12-25'] },
        { kind: 'error-rate', threshold: 0.2 },
        { kind: 'dead-letters' },
      ]);
      expect(saved.rules).toEqual([
        { kind: 'dead-letters' },
        { kind: 'error-rate', threshold: 0.2, windowMinutes: 15, minMessages: 10 },
        { kind: 'siu-file-missing', graceMinutes: 45, closedDays: ['sat', 'sun'], holidays: ['2026-12-25'] },
      ]);
      expect(await api.expect(200, 'GET', rulesPath(hospital.id), { token: admin })).toMatchObject({
        rules: saved.rules,
      });
      await putRules(hospital.id, [{ kind: 'listener-silent', openingHours: '08:00-17:30' }]);
      expect((await api.expect(200, 'GET', rulesPath(hospital.id), { token: admin })).rules).toEqual([
        {
          kind: 'listener-silent',
          openingHours: '08:00-17:30',
          days: ['mon', 'tue', 'wed', 'thu', 'fri'],
          silentMinutes: 60,
        },
      ]);
      const trail = await api.expect(
        200,
        'GET',
        `/v1/admin/hospitals/${hospital.id}/audit-events?action=alert-rules.changed`,
        {
          token: admin,
        },
      );
      expect(trail.events).toHaveLength(2);
    });

    it('refuse settings of another kind, a kind twice, bad values and unknown hospitals with a stable code', async () => {
      const hospital = await api.createHospital('alert-rules-bad');
      const refused = async (rules: unknown[], field: string) => {
        const response = await api.request('PUT', rulesPath(hospital.id), { token: admin, body: { rules } });
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('VALIDATION_FAILED');
        expect(JSON.stringify(response.body)).toContain(field);
      };
      await refused([{ kind: 'dead-letters', graceMinutes: 5 }], 'rules.0.graceMinutes');
      await refused([{ kind: 'dead-letters' }, { kind: 'dead-letters' }], 'rules.1.kind');
      await refused([{ kind: 'siu-file-missing', holidays: ['25/12/2026'] }], 'holidays');
      await refused([{ kind: 'listener-silent', openingHours: '19:00-07:00' }], 'rules.0.openingHours');
      await refused([{ kind: 'error-rate', threshold: 2 }], 'threshold');
      await refused([{ kind: 'disk-full' }], 'kind');
      expect((await api.expect(200, 'GET', rulesPath(hospital.id), { token: admin })).rules).toEqual([]);
      const unknown = await api.request('PUT', rulesPath('6f1c2b9e-0000-4000-8000-000000000000'), {
        token: admin,
        body: { rules: [] },
      });
      expect(unknown.status).toBe(404);
      // A hospital's own API client (even with users:write) is no platform admin and no signed-in hospital admin.
      expect(
        (await api.request('PUT', rulesPath(hospital.id), { token: hospital.token, body: { rules: [] } }))
          .status,
      ).toBe(403);
      expect((await api.request('GET', rulesPath(hospital.id), { token: hospital.token })).status).toBe(403);
      expect(
        (await api.request('GET', `/v1/admin/alerts?hospitalId=${hospital.id}`, { token: hospital.token }))
          .status,
      ).toBe(403);
      expect((await api.request('GET', `/v1/admin/alerts?state=closed`, { token: admin })).status).toBe(400);
    });
  });

  it('opens one alert for each failure, none again while it lasts, and resolves each once it is fixed', async () => {
    // 1. A dead letter of the hospital's SIU processing.
    const dlq = await api.createHospital('alert-dlq');
    await putRules(dlq.id, [{ kind: 'dead-letters' }]);
    await bus.poisonSiuMessage(dlq.id);

    // 2. A scheduled SIU file that did not come: the schedule fired on 1 January (a yearly cron keeps the
    //    test away from a real tick), grace 0, and no file has ever arrived.
    const siu = new SiuDriver(api, admin);
    const late = await siu.hospital('alert-siu', { schedule: '0 6 1 1 *', timezone: 'Europe/Brussels' });
    await putRules(late.id, [{ kind: 'siu-file-missing', graceMinutes: 0 }]);

    // 3. A hospital whose HL7 system does not answer (nothing listens on its port).
    const down = await api.createHospital('alert-down');
    const hl7 = { host: sim.mllp.host, patientIdAuthority: 'AZDEMO', timeoutMs: 500, queryStyle: 'QRY_A19' };
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${down.id}/connections/hl7`, {
      token: admin,
      body: { ...hl7, port: await freePort() },
    });
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${down.id}/import-source`, {
      token: admin,
      body: { source: 'hl7' },
    });
    await putRules(down.id, [{ kind: 'hospital-unreachable', consecutiveFailures: 2 }]);
    const lookup = () =>
      api.request('POST', '/v1/imports', { token: down.token, body: { patientCode: SIM_IDS.francoise } });
    expect((await lookup()).status).toBeGreaterThanOrEqual(500);
    expect((await lookup()).status).toBeGreaterThanOrEqual(500);

    const opened = {
      dlq: await waitForAlert(dlq.id, 'open'),
      late: await waitForAlert(late.id, 'open'),
      down: await waitForAlert(down.id, 'open'),
    };
    expect(opened.dlq).toMatchObject({ kind: 'dead-letters', state: 'open', hospitalId: dlq.id });
    expect(opened.dlq.detail).toContain('siu-ingestor.process.dlq (1)');
    expect(opened.late).toMatchObject({ kind: 'siu-file-missing', state: 'open' });
    expect(opened.late.detail).toContain('2026-01-01T05:00:00.000Z');
    expect(opened.down).toMatchObject({ kind: 'hospital-unreachable', state: 'open' });

    // Still failing, and more so: the evaluator keeps running, the alerts stay the same ones.
    await bus.poisonSiuMessage(dlq.id);
    expect((await lookup()).status).toBeGreaterThanOrEqual(500);

    // Fixed one after the other; each resolution needs evaluations during which the others stay open.
    await bus.drainDeadLetters(dlq.id);
    expect(await waitForAlert(dlq.id, 'resolved')).toMatchObject({ id: opened.dlq.id });

    dropFile(late.dir, 'today.hl7', siuMessage({ event: 'S12', controlId: 'AL1', patientCode: 'PAL1' }));
    expect(await siu.run(late.id)).toMatchObject({ status: 'succeeded', files: 1 });
    expect(await waitForAlert(late.id, 'resolved')).toMatchObject({ id: opened.late.id });

    await api.expect(200, 'PUT', `/v1/admin/hospitals/${down.id}/connections/hl7`, {
      token: admin,
      body: { ...hl7, port: sim.mllp.port },
    });
    expect((await lookup()).status).toBe(200);
    const resolved = await waitForAlert(down.id, 'resolved');
    expect(resolved).toMatchObject({ id: opened.down.id, state: 'resolved' });
    expect(new Date(resolved.resolvedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(resolved.openedAt).getTime(),
    );

    // One alert per failure, ever; each announced twice (opened, resolved) on the bus and in the journal.
    for (const hospital of [dlq, late, down]) expect(await alertsOf(hospital.id)).toHaveLength(1);
    const ids = [opened.dlq.id, opened.late.id, opened.down.id];
    await expectEventually(
      async () => {
        for (const id of ids) {
          expect(bus.changes.filter((change) => change.alertId === id).map((change) => change.state)).toEqual(
            ['open', 'resolved'],
          );
        }
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const journal = await notifierDb.query(
      `SELECT alert_id, count(*)::int AS events FROM notifier.alert_events WHERE alert_id = ANY($1) GROUP BY alert_id`,
      [ids],
    );
    expect(journal.rows.map((row) => row.events)).toEqual([2, 2, 2]);
    // The platform-wide list filters by state.
    const open = await api.expect(200, 'GET', '/v1/admin/alerts?state=open', { token: admin });
    expect(open.alerts.filter((alert: { id: string }) => ids.includes(alert.id))).toEqual([]);
  });

  it('opens and resolves error-rate on the share of failed exchanges, and listener-silent on a feed heard again', async () => {
    // error-rate: two of two lookups fail (nothing listens), then three succeed: 2 of 5 is under 50 %.
    const flaky = await api.createHospital('alert-rate');
    const hl7 = { host: sim.mllp.host, patientIdAuthority: 'AZDEMO', timeoutMs: 500, queryStyle: 'QRY_A19' };
    const connect = (port: number) =>
      api.expect(200, 'PUT', `/v1/admin/hospitals/${flaky.id}/connections/hl7`, {
        token: admin,
        body: { ...hl7, port },
      });
    await connect(await freePort());
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${flaky.id}/import-source`, {
      token: admin,
      body: { source: 'hl7' },
    });
    await putRules(flaky.id, [{ kind: 'error-rate', threshold: 0.5, windowMinutes: 15, minMessages: 2 }]);
    const lookup = () =>
      api.request('POST', '/v1/imports', { token: flaky.token, body: { patientCode: SIM_IDS.francoise } });
    for (let i = 0; i < 2; i++) expect((await lookup()).status).toBeGreaterThanOrEqual(500);
    const rate = await waitForAlert(flaky.id, 'open');
    expect(rate).toMatchObject({ kind: 'error-rate', state: 'open' });
    expect(rate.detail).toContain('2 of 2 exchanges failed');
    await connect(sim.mllp.port);
    for (let i = 0; i < 3; i++) expect((await lookup()).status).toBe(200);
    expect(await waitForAlert(flaky.id, 'resolved')).toMatchObject({ id: rate.id });

    // listener-silent: open all day every day, one minute of silence allowed, and nothing ever heard.
    const siu = new SiuDriver(api, admin);
    const port = await freePort();
    const quiet = await siu.hospital('alert-silent', { mllpListener: { port } });
    await putRules(quiet.id, [
      {
        kind: 'listener-silent',
        openingHours: '00:00-24:00',
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        silentMinutes: 1,
      },
    ]);
    const silent = await waitForAlert(quiet.id, 'open');
    expect(silent).toMatchObject({ kind: 'listener-silent', state: 'open' });
    expect(silent.detail).toContain('no message ever');
    await expectEventually(
      () =>
        sendMllp(siuMessage({ event: 'S12', controlId: 'SIL1', patientCode: 'PSIL1' }), {
          host: '127.0.0.1',
          port,
          timeoutMs: 5000,
        }),
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(await waitForAlert(quiet.id, 'resolved')).toMatchObject({ id: silent.id });
    for (const hospital of [flaky, quiet]) expect(await alertsOf(hospital.id)).toHaveLength(1);
  });
});
