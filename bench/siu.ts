/**
 * P2 (QUALITY.md): SIU batch ingest. One file of 10,000 SIU^S12 (new patients, care flow start) and one of
 * 100,000, each from "run now" to the last care flow committed (the run's startedAt .. finishedAt, which the
 * consumer sets when its last message commits), distributed topology (every service its own process over
 * RabbitMQ, PostgreSQL). Reports messages/s, time per message at 100k against 10k (linearity), the peak RSS
 * of every process (VmHWM), and the ratio to a same-run baseline: multi-row INSERTs of the same rows
 * (a patient and a care flow per message) straight into PostgreSQL. The same is measured on the embedded
 * default (`npm start`'s app: every service in one process, in-process bus), on a database of its own;
 * BENCH_TOPOLOGY=distributed|embedded runs one of them, as in the other benchmarks.
 *
 * Uses AMQP_URL / TEST_DATABASE_URL when set, else a private RabbitMQ node and an embedded PostgreSQL.
 * BENCH_SIU_SIZES (e.g. `1000,10000`) changes the file sizes for a smoke check; BENCH_DIST_DIR points at
 * another build; BENCH_NODE_ARGS passes node flags (e.g. `--cpu-prof`) to every service.
 */
import 'reflect-metadata';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { expectEventually, measureWorkCost, waitForQuiet, type WorkCost } from '@bridge/testing';
import {
  benchInfrastructure,
  runCleanups,
  type Cleanups,
  type DistributedPlatform,
} from './support/distributed-platform';
import { chosenTopologies, startTopology, type Topology } from './support/embedded-platform';

const SIZES = (process.env.BENCH_SIU_SIZES ?? '10000,100000').split(',').map(Number);
const WARM_UP = 2000;
const BASELINE_ROWS_PER_INSERT = 1000;

interface Measured {
  messages: number;
  seconds: number;
  perSecond: number;
}

export async function main(): Promise<void> {
  const cleanups: Cleanups = [];
  try {
    const infrastructure = await benchInfrastructure(cleanups, 'bench_siu');
    const { databaseUrl } = infrastructure;
    const baseline = await runBaseline(databaseUrl, SIZES[SIZES.length - 1]);
    process.stdout.write(
      `baseline: ${baseline.toFixed(0)} rows/s (multi-row INSERT of ${SIZES[SIZES.length - 1]} patients + care flows)\n`,
    );
    const lines: string[] = [];
    for (const topology of chosenTopologies()) {
      const { platform, databaseUrl: database } = await startTopology(topology, infrastructure, {
        env: { SIU_SUPERVISE_INTERVAL_MS: '200' },
      });
      try {
        lines.push(await measure(topology, platform, database, baseline));
      } finally {
        await platform.stop();
      }
    }
    process.stdout.write(lines.join(''));
  } finally {
    await runCleanups(cleanups);
  }
}

/** The warm-up and each file size on one running platform; answers its closing line. */
async function measure(
  topology: Topology,
  platform: DistributedPlatform,
  databaseUrl: string,
  baseline: number,
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-siu-'));
  try {
    const client = await platformClient(platform.url, platform.admin, dir);
    await client.ingest(WARM_UP, `${topology} warm-up`);
    const results: (Measured & { cost: WorkCost })[] = [];
    for (const size of SIZES) {
      const processes = await platform.processes();
      const meter = await measureWorkCost(processes, databaseUrl);
      const measured = await client.ingest(size, `${topology} file of ${size}`);
      // The run ends when its last care flow is committed; the events it published may still be queued for
      // notifier (in memory on the embedded bus). Their cost belongs to these messages.
      await waitForQuiet(processes);
      const cost = await meter.finish(size, 'msg');
      process.stdout.write(
        `${topology} ${size} messages: ${measured.seconds.toFixed(1)} s = ${measured.perSecond.toFixed(0)} msg/s; ${cost.summary}\n` +
          `  row writes by table per msg: ${cost.writesByTable}\n`,
      );
      results.push({ ...measured, cost });
    }
    const peaks = platform.peakRss();
    const largest = results[results.length - 1];
    const smallest = results[0];
    const linearity = largest.seconds / largest.messages / (smallest.seconds / smallest.messages);
    const peakMax = Math.max(...Object.values(peaks));
    return (
      `P2 siu-ingest (${topology}): ${results.map((r) => `${r.messages} msgs in ${r.seconds.toFixed(1)} s = ${r.perSecond.toFixed(0)} msg/s, cpu ${r.cost.cpuMsPerUnit.toFixed(2)} ms/msg, ${r.cost.rowWritesPerUnit.toFixed(1)} row writes/msg`).join('; ')}; ` +
      `time per message ${largest.messages}/${smallest.messages} ${linearity.toFixed(2)}x; ` +
      `peak RSS ${Object.entries(peaks)
        .map(([service, mb]) => `${service} ${mb} MB`)
        .join(', ')}; ` +
      `baseline ${baseline.toFixed(0)} rows/s; ratio ${(largest.perSecond / baseline).toFixed(2)} ` +
      `(target >= 2000 msg/s, <= 1.2x, every process <= 300 MB${peakMax > 300 ? ': exceeded' : ''}, <= 0.9 ms cpu and <= 6 row writes per msg)\n`
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the file as a hospital would (streamed, never whole in memory), runs now, waits for the end. */
async function platformClient(url: string, admin: { clientId: string; clientSecret: string }, dir: string) {
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, any>>;
  };
  const adminToken = (
    await call('POST', '/v1/oauth/token', {
      grant_type: 'client_credentials',
      client_id: admin.clientId,
      client_secret: admin.clientSecret,
    })
  ).access_token as string;
  const hospital = await call(
    'POST',
    '/v1/admin/hospitals',
    { key: 'bench-siu', name: 'Bench SIU' },
    adminToken,
  );
  await call(
    'POST',
    `/v1/admin/hospitals/${hospital.id}/users`,
    {
      email: 'dr@bench.example',
      firstName: 'Jan',
      lastName: 'Janssens',
      roles: ['physician'],
      physicianCode: 'DR1',
    },
    adminToken,
  );
  await call(
    'POST',
    `/v1/admin/hospitals/${hospital.id}/care-flow-definitions`,
    { key: 'knee-replacement', title: 'Knee', baseline: [] },
    adminToken,
  );
  await call(
    'PUT',
    `/v1/admin/hospitals/${hospital.id}/connections/siu`,
    {
      source: { type: 'directory', path: dir },
      minFileAgeMs: 0,
      afterProcessing: 'delete',
      careFlowMap: [{ field: 'AIS-3.1', value: 'KNEE', careFlowDefinitionKey: 'knee-replacement' }],
    },
    adminToken,
  );
  let next = 0;
  return {
    async ingest(messages: number, label: string): Promise<Measured> {
      const first = next;
      next += messages;
      await writeFile(join(dir, `${String(first).padStart(9, '0')}.hl7`), first, messages);
      const started = await call(
        'POST',
        `/v1/admin/hospitals/${hospital.id}/siu-runs`,
        undefined,
        adminToken,
      );
      let run: Record<string, any> = started;
      let storedAt: number | undefined;
      await expectEventually(
        async () => {
          run = await call(
            'GET',
            `/v1/admin/hospitals/${hospital.id}/siu-runs/${started.id}`,
            undefined,
            adminToken,
          );
          if (storedAt === undefined && run.messagesReceived === messages) storedAt = Date.now();
          if (run.status === 'running')
            throw new Error(`${label}: ${run.messagesProcessed}/${messages} processed`);
        },
        { timeoutMs: 30 * 60_000, intervalMs: 100 },
      );
      if (storedAt !== undefined) {
        process.stdout.write(
          `${label}: file stored after ${((storedAt - Date.parse(run.startedAt)) / 1000).toFixed(1)} s\n`,
        );
      }
      if (
        run.status !== 'succeeded' ||
        run.careFlowsStarted !== messages ||
        run.patientsCreated !== messages
      ) {
        throw new Error(
          `${label}: the run did not start every care flow: ${JSON.stringify({ ...run, failures: run.failures.slice(0, 3) })}`,
        );
      }
      const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
      return { messages, seconds, perSecond: messages / seconds };
    },
  };
}

/** SIU^S12 messages for new patients P<n>, appointment A<n>, in the usual segment layout. */
async function writeFile(path: string, first: number, count: number): Promise<void> {
  const out = createWriteStream(path);
  for (let n = first; n < first + count; n += 1) {
    const message =
      `MSH|^~\\&|AGENDA|AZBENCH|CAREFLOW|BRIDGE|20260401060000||SIU^S12^SIU_S12|B${n}|P|2.5\r` +
      `SCH|PLC${n}^AGENDA|A${n}^AGENDA|||||CONSULT^Consultation^L|NORMAL^Normal^HL70277|||^^^20260415093000+0200||||||||||||||Booked^Booked^HL70278\r` +
      `TQ1|1||||||20260415093000+0200\r` +
      `PID|1||P${n}^^^AZBENCH^MR||Peeters^Els^^^^^L||19800214|F|||Kerkstraat 1^^Gent^^9000^BE\r` +
      `PV1|1|O|ORTHO^12^A||||DR1^Janssens^Jan||||||||||||V${n}\r` +
      `RGS|1\rAIS|1||KNEE^Knee consult^L|20260415093000+0200\rAIL|1||ORTHO-POLI^Room 3^^AZBENCH\rAIP|1||DR1^Janssens^Jan\r`;
    if (!out.write(message)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

/** The same rows (a patient and a care flow per message) by multi-row INSERTs on one connection. */
async function runBaseline(databaseUrl: string, rows: number): Promise<number> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await pool.query(`CREATE TABLE bench_patients (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), hospital_id uuid NOT NULL,
      patient_code text NOT NULL, first_name text NOT NULL, last_name text NOT NULL, birth_date text, sex text,
      created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (hospital_id, patient_code))`);
    await pool.query(`CREATE TABLE bench_care_flows (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), hospital_id uuid NOT NULL,
      patient_id uuid NOT NULL REFERENCES bench_patients (id), definition_key text NOT NULL, status text NOT NULL,
      baseline jsonb NOT NULL, appointment_id text NOT NULL, UNIQUE (hospital_id, appointment_id))`);
    const hospitalId = '00000000-0000-4000-8000-000000000002';
    const startedAt = process.hrtime.bigint();
    for (let first = 0; first < rows; first += BASELINE_ROWS_PER_INSERT) {
      const codes = Array.from(
        { length: Math.min(BASELINE_ROWS_PER_INSERT, rows - first) },
        (_, i) => `P${first + i}`,
      );
      await pool.query(
        `WITH patients AS (
           INSERT INTO bench_patients (hospital_id, patient_code, first_name, last_name, birth_date, sex)
           SELECT $1, code, 'Els', 'Peeters', '1980-02-14', 'female' FROM unnest($2::text[]) AS code RETURNING id, patient_code)
         INSERT INTO bench_care_flows (hospital_id, patient_id, definition_key, status, baseline, appointment_id)
         SELECT $1, id, 'knee-replacement', 'active', '{"appointmentDate":"2026-04-15T09:30"}', 'A' || patient_code FROM patients`,
        [hospitalId, codes],
      );
    }
    return rows / (Number(process.hrtime.bigint() - startedAt) / 1e9);
  } finally {
    await pool.end();
  }
}
