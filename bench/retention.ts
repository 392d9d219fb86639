// O3 (QUALITY.md): 1,000,000 message-log rows across 12 months in a day-partitioned journal, pruned to
// 90 days by the platform's own pruneJournal while inserts keep running; the same prune as a DELETE on an
// unpartitioned copy (a tenth of the size) is the baseline, measured in the same run. Prints one closing line,
// then what each way costs per 1,000 pruned rows (CPU of PostgreSQL and this process, row writes).
//
// Uses TEST_DATABASE_URL when set (a scratch database is created and dropped), else an embedded PostgreSQL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { measureWorkCost, postgresServerPid, type WorkCost } from '@bridge/testing';
import {
  DAY_MS,
  ensureDayPartitions,
  pruneJournal,
  startOfUtcDay,
  startEmbeddedPostgres,
  withDatabase,
  type RetainedJournal,
} from '@bridge/database';

const ROWS = Number(process.env.O3_ROWS ?? 1_000_000);
const BASELINE_ROWS = Math.round(ROWS / 10);
const SPAN_DAYS = 365;
const KEEP_DAYS = 90;
const HOSPITALS = 10;
const JOURNAL: RetainedJournal = { schema: 'bench', table: 'messages', bodyColumns: ['raw_out', 'raw_in'] };

/** The HL7 journal's shape (apps/hl7-gateway migrations): what a message-log row weighs on disk. */
const COLUMNS = `id uuid NOT NULL, hospital_id uuid NOT NULL, channel text NOT NULL, direction text NOT NULL,
  type text NOT NULL, control_id text, status text NOT NULL, error text, raw_out text, raw_in text,
  summary jsonb NOT NULL DEFAULT '{}', started_at timestamptz NOT NULL, finished_at timestamptz,
  duration_ms integer, created_at timestamptz NOT NULL DEFAULT now()`;

async function load(client: Client, table: string, rows: number, now: Date): Promise<void> {
  // Evenly over the past year, ~600 bytes of bodies per row (a QRY^A19 and its reply are about that).
  await client.query(
    `INSERT INTO ${table} (id, hospital_id, channel, direction, type, control_id, status, raw_out, raw_in, started_at, created_at)
     SELECT gen_random_uuid(), h.ids[1 + (i % ${HOSPITALS})], 'a19', 'outbound', 'QRY^A19', 'C' || i, 'replied',
       repeat(md5(i::text), 9), repeat(md5((i + 1)::text), 9), t, t
     FROM generate_series(1, $1::int) AS i,
       LATERAL (SELECT $2::timestamptz - (i::float8 / $1::int) * interval '${SPAN_DAYS} days' AS t) AS at_time (t),
       (SELECT $3::uuid[] AS ids) AS h`,
    [rows, now.toISOString(), hospitalIds],
  );
}

const hospitalIds = Array.from({ length: HOSPITALS }, () => {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
});

/** Inserts of today's traffic, one row per statement, until stopped: their count and worst latency. */
function keepInserting(
  client: Client,
  table: string,
): { stop(): Promise<{ inserts: number; worstMs: number }> } {
  let running = true;
  let inserts = 0;
  let worstMs = 0;
  const loop = (async () => {
    while (running) {
      const started = process.hrtime.bigint();
      await client.query(
        `INSERT INTO ${table} (id, hospital_id, channel, direction, type, status, raw_out, started_at)
         VALUES (gen_random_uuid(), $1, 'a19', 'outbound', 'QRY^A19', 'sent', repeat('x', 300), now())`,
        [hospitalIds[inserts % HOSPITALS]],
      );
      worstMs = Math.max(worstMs, Number(process.hrtime.bigint() - started) / 1e6);
      inserts += 1;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { inserts, worstMs };
    },
  };
}

const PER_1K = '1k pruned rows';
const pruned1k = (rows: number) => rows / 1000;

/** `O3 cost prune: cpu … ms/1k pruned rows (postgres …, bench …), … row writes/1k pruned rows (where)`. */
function costLine(what: string, cost: WorkCost): string {
  return `O3 cost ${what}: ${cost.summary} (${cost.writesByTable || 'no table written'}; inserts running meanwhile included)\n`;
}

async function journalBytes(client: Client, like: string): Promise<number> {
  const { rows } = await client.query(
    `SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'bench' AND c.relkind = 'r' AND c.relname LIKE $1`,
    [like],
  );
  return Number(rows[0].bytes);
}

async function count(client: Client, table: string, before?: Date): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table} ${before ? 'WHERE created_at < $1' : ''}`,
    before ? [before] : [],
  );
  return rows[0].n;
}

export async function main(): Promise<void> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    let serverUrl = process.env.TEST_DATABASE_URL;
    if (!serverUrl) {
      const postgres = await startEmbeddedPostgres({
        dataDir: mkdtempSync(join(tmpdir(), 'bench-pg-')),
        port: 0,
      });
      cleanups.unshift(() => postgres.stop());
      serverUrl = postgres.url;
    }
    const database = `bench_retention_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    cleanups.unshift(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    });
    const url = withDatabase(serverUrl, database);
    const client = new Client({ connectionString: url });
    const writer = new Client({ connectionString: url });
    await client.connect();
    await writer.connect();
    cleanups.unshift(() => Promise.all([client.end(), writer.end()]));
    const now = new Date();
    const cutoff = new Date(now.getTime() - KEEP_DAYS * DAY_MS);

    // The journal as the migrations make it: day partitions, a default one, the log's indexes.
    await client.query(`CREATE SCHEMA bench`);
    await client.query(
      `CREATE TABLE bench.messages (${COLUMNS}, PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at)`,
    );
    await client.query(`CREATE INDEX ON bench.messages (hospital_id, created_at DESC)`);
    await client.query(`CREATE INDEX ON bench.messages (created_at DESC)`);
    await client.query(`CREATE TABLE bench.messages_default PARTITION OF bench.messages DEFAULT`);
    await ensureDayPartitions(client, JOURNAL, new Date(now.getTime() - (SPAN_DAYS + 1) * DAY_MS), now);
    let started = Date.now();
    await load(client, 'bench.messages', ROWS, now);
    await client.query(`VACUUM ANALYZE bench.messages`);
    process.stderr.write(`loaded ${ROWS} rows in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    const total = await count(client, 'bench.messages');
    const expired = await count(client, 'bench.messages', cutoff);
    // A day is the unit: rows of the day the cutoff falls in go with that day, tomorrow.
    const toPrune = await count(client, 'bench.messages', startOfUtcDay(cutoff));
    const bytesBefore = await journalBytes(client, 'messages%');

    const dataSource = await new DataSource({ type: 'postgres', url }).initialize();
    cleanups.unshift(() => dataSource.destroy());
    process.stderr.write(`measuring prune (${expired} rows past ${KEEP_DAYS} days)\n`);
    // CPU of PostgreSQL and of this process, which runs the prune (and the inserts beside it).
    const processes = { postgres: [await postgresServerPid(url)], bench: [process.pid] };
    const pruneMeter = await measureWorkCost(processes, url);
    const inserting = keepInserting(writer, 'bench.messages');
    started = Date.now();
    const report = await pruneJournal(
      dataSource,
      JOURNAL,
      { defaults: { messageBodiesDays: KEEP_DAYS, messagesDays: KEEP_DAYS }, hospitals: [] },
      now,
    );
    const pruneSeconds = (Date.now() - started) / 1000;
    const during = await inserting.stop();
    const pruneCost = await pruneMeter.finish(pruned1k(toPrune), PER_1K);
    const bytesAfter = await journalBytes(client, 'messages%');
    const left = await count(client, 'bench.messages', startOfUtcDay(cutoff));
    const pruned = total + during.inserts - (await count(client, 'bench.messages'));
    if (!report.ran || left > 0)
      throw new Error(`prune incomplete: ran ${report.ran}, ${left} expired rows left`);

    // Baseline: the same prune as one DELETE on an unpartitioned copy, a tenth of the size, inserts running.
    await client.query(`CREATE TABLE bench.flat (${COLUMNS}, PRIMARY KEY (id))`);
    await client.query(`CREATE INDEX ON bench.flat (hospital_id, created_at DESC)`);
    await client.query(`CREATE INDEX ON bench.flat (created_at DESC)`);
    await load(client, 'bench.flat', BASELINE_ROWS, now);
    await client.query(`VACUUM ANALYZE bench.flat`);
    const flatBefore = await journalBytes(client, 'flat');
    const deleteMeter = await measureWorkCost(processes, url);
    const flatInserting = keepInserting(writer, 'bench.flat');
    started = Date.now();
    const deleted = await client.query(`DELETE FROM bench.flat WHERE created_at < $1`, [cutoff]);
    const deleteSeconds = (Date.now() - started) / 1000;
    const flatDuring = await flatInserting.stop();
    const deleteCost = await deleteMeter.finish(pruned1k(deleted.rowCount ?? 0), PER_1K);
    const flatFreed = 1 - (await journalBytes(client, 'flat')) / flatBefore;

    const perRowSpeedup = deleteSeconds / (deleted.rowCount ?? 1) / (pruneSeconds / pruned);
    process.stdout.write(
      `O3 retention: ${total} rows, pruned ${pruned} in ${pruneSeconds.toFixed(1)} s, disk freed ${(1 - bytesAfter / bytesBefore).toFixed(2)}` +
        ` (${report.partitionsDropped} day partitions dropped; expired share of rows ${(expired / total).toFixed(2)};` +
        ` ${during.inserts} inserts ran meanwhile, slowest ${during.worstMs.toFixed(0)} ms)` +
        ` | baseline DELETE on an unpartitioned copy: ${deleted.rowCount} of ${BASELINE_ROWS} rows in ${deleteSeconds.toFixed(1)} s,` +
        ` disk freed ${flatFreed.toFixed(2)}, ${flatDuring.inserts} inserts meanwhile (slowest ${flatDuring.worstMs.toFixed(0)} ms)` +
        ` | time per pruned row, DELETE / drop: ${perRowSpeedup.toFixed(2)}\n` +
        costLine('prune', pruneCost) +
        costLine('baseline DELETE', deleteCost),
    );
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}
