import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  DAY_MS,
  ensureDayPartition,
  partitionName,
  pruneJournal,
  startOfUtcDay,
  type RetainedJournal,
} from '@bridge/database';
import { expectEventually } from '@bridge/testing';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * Retention (PRODUCT.md "Operations", issue 14 item 4): each hospital's retention set through the API,
 * and the services' scheduled jobs (every second here) drop expired day partitions of their journals,
 * remove expired rows and bodies of the hospitals sharing a kept day, one run at a time.
 */
describe('retention of the message log', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let hl7: Client;
  let siu: Client;

  const daysAgo = (days: number) => new Date(startOfUtcDay(new Date()).getTime() - days * DAY_MS + 3_600_000);
  const HL7 = { schema: 'hl7_gateway', table: 'messages' };
  const SIU = { schema: 'siu_ingestor', table: 'siu_messages' };

  async function exists(client: Client, schema: string, name: string): Promise<boolean> {
    const { rows } = await client.query(
      `SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
      [schema, name],
    );
    return rows.length > 0;
  }

  async function hl7Row(hospitalId: string, at: Date): Promise<string> {
    const id = randomUUID();
    await hl7.query(
      `INSERT INTO hl7_gateway.messages (id, hospital_id, channel, direction, type, status, raw_out, raw_in, started_at, created_at)
       VALUES ($1, $2, 'a19', 'outbound', 'QRY^A19', 'replied', 'MSH|out', 'MSH|in', $3, $3)`,
      [id, hospitalId, at],
    );
    return id;
  }

  beforeAll(async () => {
    platform = await startTestPlatform({ RETENTION_CRON: '* * * * * *' });
    api = new Api(platform);
    admin = await api.adminToken();
    hl7 = new Client({ connectionString: platform.serviceDatabaseUrls['hl7-gateway'] });
    siu = new Client({ connectionString: platform.serviceDatabaseUrls['siu-ingestor'] });
    await hl7.connect();
    await siu.connect();
  });

  afterAll(async () => {
    await hl7?.end();
    await siu?.end();
    await platform?.close();
  });

  it('sets and reads a hospital retention (defaults 90 / 365), validated and audited', async () => {
    const hospital = await api.createHospital('retention-settings');
    const path = `/v1/admin/hospitals/${hospital.id}/retention`;
    await expect(api.expect(200, 'GET', path, { token: admin })).resolves.toEqual({
      hospitalId: hospital.id,
      messageBodiesDays: 90,
      messagesDays: 365,
      custom: false,
    });
    await api.expect(200, 'PUT', path, { token: admin, body: { messageBodiesDays: 7, messagesDays: 30 } });
    await expect(api.expect(200, 'GET', path, { token: admin })).resolves.toMatchObject({
      messageBodiesDays: 7,
      messagesDays: 30,
      custom: true,
    });
    const tooLong = await api.request('PUT', path, {
      token: admin,
      body: { messageBodiesDays: 60, messagesDays: 30 },
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body).toMatchObject({ code: 'RETENTION_INVALID' });
    for (const body of [
      { messageBodiesDays: 0, messagesDays: 30 },
      { messageBodiesDays: 7 },
      { messageBodiesDays: 7, messagesDays: 'x' },
    ]) {
      expect((await api.request('PUT', path, { token: admin, body })).status).toBe(400);
    }
    expect(
      (
        await api.request('PUT', path, {
          token: hospital.token,
          body: { messageBodiesDays: 7, messagesDays: 30 },
        })
      ).status,
    ).toBe(403);
    const unknown = await api.request('PUT', `/v1/admin/hospitals/${randomUUID()}/retention`, {
      token: admin,
      body: { messageBodiesDays: 7, messagesDays: 30 },
    });
    expect(unknown.status).toBe(404);
    const trail = await api.expect(
      200,
      'GET',
      `/v1/admin/hospitals/${hospital.id}/audit-events?action=retention.changed`,
      {
        token: admin,
      },
    );
    expect(trail.events).toHaveLength(1);
    expect(trail.events[0]).toMatchObject({ resource: { type: 'retention', id: hospital.id } });
    // The settings still hold after the refused changes.
    await expect(api.expect(200, 'GET', path, { token: admin })).resolves.toMatchObject({ messagesDays: 30 });
  });

  it("drops whole expired day partitions and respects each hospital's retention on shared days", async () => {
    const short = await api.createHospital('retention-short');
    const long = await api.createHospital('retention-long'); // defaults: bodies 90, messages 365
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${short.id}/retention`, {
      token: admin,
      body: { messageBodiesDays: 30, messagesDays: 60 },
    });
    // The job runs every second: the days and their rows appear in one commit, else a run between two
    // inserts finds a shared day with only the short hospital's row on it and drops it.
    await hl7.query('BEGIN');
    const days = [400, 100, 70, 40];
    for (const day of days) await ensureDayPartition(hl7, HL7, daysAgo(day));
    const long400 = await hl7Row(long.id, daysAgo(400)); // past 365: its partition goes
    const short100 = await hl7Row(short.id, daysAgo(100)); // past 60: removed, the day is kept for long
    const long100 = await hl7Row(long.id, daysAgo(100)); // kept, its body (past 90) removed
    const short70 = await hl7Row(short.id, daysAgo(70)); // alone on its day: the partition goes
    const short40 = await hl7Row(short.id, daysAgo(40)); // kept, body (past 30) removed
    const long40 = await hl7Row(long.id, daysAgo(40)); // kept whole
    const shortToday = await hl7Row(short.id, new Date());
    await hl7.query('COMMIT');
    // A SIU message of the short hospital, 70 days old, alone on its day.
    await ensureDayPartition(siu, SIU, daysAgo(70));
    await siu.query(
      `INSERT INTO siu_ingestor.siu_messages (id, hospital_id, channel, type, control_id, sending_application, sending_facility, raw, created_at)
       VALUES ($1, $2, 'siu-file', 'SIU^S12', 'C1', 'APP', 'FAC', 'MSH|', $3)`,
      [randomUUID(), short.id, daysAgo(70)],
    );

    await expectEventually(
      async () => {
        expect(await exists(hl7, 'hl7_gateway', partitionName(HL7, daysAgo(400)))).toBe(false);
        expect(await exists(hl7, 'hl7_gateway', partitionName(HL7, daysAgo(70)))).toBe(false);
        expect(await exists(siu, 'siu_ingestor', partitionName(SIU, daysAgo(70)))).toBe(false);
        const { rows } = await hl7.query(
          `SELECT id, raw_out, raw_in FROM hl7_gateway.messages WHERE hospital_id = ANY($1::uuid[])`,
          [[short.id, long.id]],
        );
        const kept = Object.fromEntries(
          rows.map((row: { id: string; raw_out: string | null; raw_in: string | null }) => [
            row.id,
            [row.raw_out, row.raw_in],
          ]),
        );
        expect(kept).toEqual({
          [long100]: [null, null],
          [short40]: [null, null],
          [long40]: ['MSH|out', 'MSH|in'],
          [shortToday]: ['MSH|out', 'MSH|in'],
        });
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(await exists(hl7, 'hl7_gateway', partitionName(HL7, daysAgo(100)))).toBe(true);
    expect(await exists(hl7, 'hl7_gateway', partitionName(HL7, daysAgo(40)))).toBe(true);
    for (const gone of [long400, short100, short70]) {
      expect((await hl7.query(`SELECT 1 FROM hl7_gateway.messages WHERE id = $1`, [gone])).rows).toHaveLength(
        0,
      );
    }
    // The log answers the kept entry without the removed body.
    const detail = await api.expect(200, 'GET', `/v1/admin/messages/${short40}`, { token: admin });
    expect(detail).toMatchObject({ id: short40, hospitalId: short.id });
    expect(detail.raw).toBeUndefined();
    // Partitions are created ahead, so today's and tomorrow's rows never land in the default partition.
    expect(await exists(hl7, 'hl7_gateway', partitionName(HL7, new Date(Date.now() + DAY_MS)))).toBe(true);
  });

  it("prunes the patient trace with the hospital's message retention, keeping applied SIU messages' rows", async () => {
    const short = await api.createHospital('retention-trace');
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${short.id}/retention`, {
      token: admin,
      body: { messageBodiesDays: 30, messagesDays: 60 },
    });
    const trace = new Client({ connectionString: platform.serviceDatabaseUrls['patient-import'] });
    await trace.connect();
    try {
      const patientId = randomUUID();
      for (const [at, summary] of [
        [daysAgo(70), 'old'],
        [daysAgo(40), 'kept'],
      ] as const) {
        await trace.query(
          `INSERT INTO patient_import.patient_events (hospital_id, patient_id, created_at, kind, channel, summary)
           VALUES ($1, $2, $3, 'push', 'api', $4)`,
          [short.id, patientId, at, summary],
        );
      }
      // The row of an applied SIU message is also its claim (rule 27) and appointment history: kept.
      await trace.query(
        `INSERT INTO patient_import.patient_events (hospital_id, patient_id, created_at, kind, channel, message_id,
           summary, result, appointment_id, sequence, event, action, baseline)
         VALUES ($1, $2, $3, 'siu', 'siu-file', $4, 'old, but an applied SIU message', '{"ok": true}', 'A1', 1,
           'S12', 'start', '{}')`,
        [short.id, patientId, daysAgo(70), randomUUID()],
      );
      await expectEventually(
        async () => {
          const { rows } = await trace.query(
            `SELECT summary FROM patient_import.patient_events WHERE patient_id = $1 ORDER BY summary`,
            [patientId],
          );
          expect(rows).toEqual([{ summary: 'kept' }, { summary: 'old, but an applied SIU message' }]);
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
    } finally {
      await trace.end();
    }
  });

  it('runs one pruning at a time across instances (advisory lock)', async () => {
    // A journal of its own, so the platform's jobs do not take part.
    await hl7.query(`CREATE TABLE hl7_gateway.retention_probe (
      id uuid NOT NULL, hospital_id uuid NOT NULL, body text, created_at timestamptz NOT NULL, PRIMARY KEY (id, created_at)
    ) PARTITION BY RANGE (created_at)`);
    // Shaped as every journal is (libs/database daily-partitions): day partitions and a default one.
    await hl7.query(
      `CREATE TABLE hl7_gateway.retention_probe_default PARTITION OF hl7_gateway.retention_probe DEFAULT`,
    );
    const probe: RetainedJournal = { schema: 'hl7_gateway', table: 'retention_probe', bodyColumns: ['body'] };
    const hospitalId = randomUUID();
    await ensureDayPartition(hl7, probe, daysAgo(10));
    await hl7.query(`INSERT INTO hl7_gateway.retention_probe VALUES ($1, $2, 'x', $3)`, [
      randomUUID(),
      hospitalId,
      daysAgo(10),
    ]);
    const policy = { defaults: { messageBodiesDays: 1, messagesDays: 5 }, hospitals: [] };
    const instances = await Promise.all(
      [1, 2].map(() =>
        new DataSource({ type: 'postgres', url: platform.serviceDatabaseUrls['hl7-gateway'] }).initialize(),
      ),
    );
    try {
      // Another instance holds the lock: this one does nothing, the partition stays.
      const holder = new Client({ connectionString: platform.serviceDatabaseUrls['hl7-gateway'] });
      await holder.connect();
      await holder.query(`SELECT pg_advisory_lock(hashtext('retention:hl7_gateway.retention_probe'))`);
      await expect(pruneJournal(instances[0], probe, policy)).resolves.toMatchObject({
        ran: false,
        partitionsDropped: 0,
      });
      expect(await exists(hl7, 'hl7_gateway', partitionName(probe, daysAgo(10)))).toBe(true);
      await holder.end();
      // Two at once: the day is dropped once, whichever instance got there (the other skipped or found it gone).
      const reports = await Promise.all(instances.map((instance) => pruneJournal(instance, probe, policy)));
      expect(reports.some((report) => report.ran)).toBe(true);
      expect(reports.reduce((sum, report) => sum + report.partitionsDropped, 0)).toBe(1);
      expect(await exists(hl7, 'hl7_gateway', partitionName(probe, daysAgo(10)))).toBe(false);
    } finally {
      await Promise.all(instances.map((instance) => instance.destroy()));
    }
  });
});
