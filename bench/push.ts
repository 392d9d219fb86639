/**
 * P1 (QUALITY.md): POST /v1/patients upserts, 64 concurrent connections for 20 s, distributed topology
 * (gateway + user-provisioning + patient-import as separate processes over RabbitMQ, PostgreSQL).
 * Baseline in the same run: a bare Fastify route doing the same INSERT .. ON CONFLICT on PostgreSQL.
 *
 * Uses AMQP_URL / TEST_DATABASE_URL when set, else starts a private RabbitMQ node and an embedded
 * PostgreSQL. BENCH_DURATION_S shortens the runs for a smoke check.
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { freePort, startEmbeddedPostgres, withDatabase } from '@bridge/database';
import { expectEventually } from '@bridge/testing';
import { startRabbitMq } from '../libs/testing/src/rabbitmq/rabbitmq-launcher';

const CONNECTIONS = 64;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);
const ROOT = join(__dirname, '..', '..');

interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
  total: number;
}

export async function main(): Promise<void> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const serverUrl = process.env.TEST_DATABASE_URL ?? (await embeddedPostgres(cleanups));
    const amqpUrl = process.env.AMQP_URL ?? (await privateRabbitMq(cleanups));
    const databaseUrl = await freshDatabase(serverUrl, `bench_push_${randomBytes(4).toString('hex')}`);

    const baseline = await runBaseline(databaseUrl);
    process.stdout.write(`baseline: ${baseline.requestsPerSecond.toFixed(0)} req/s, p99 ${baseline.p99Ms} ms\n`);

    const platform = await startDistributed(databaseUrl, amqpUrl);
    cleanups.push(platform.stop);
    const token = await hospitalToken(platform.url, platform.admin);
    await load(platform.url, token, 2, 'warm-up');
    const result = await load(platform.url, token, DURATION_S, 'bench');

    const ratio = result.requestsPerSecond / baseline.requestsPerSecond;
    process.stdout.write(
      `P1 push-api: ${result.total} upserts in ${DURATION_S} s = ${result.requestsPerSecond.toFixed(0)} req/s, ` +
        `p99 ${result.p99Ms} ms, errors ${result.errors}; baseline ${baseline.requestsPerSecond.toFixed(0)} req/s ` +
        `p99 ${baseline.p99Ms} ms; ratio ${ratio.toFixed(2)} (target >= 1500 req/s, p99 <= 50 ms, ratio >= 0.5, 0 errors)\n`,
    );
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

function patientBody(code: string): string {
  return JSON.stringify({
    patientCode: code,
    firstName: 'Bench',
    lastName: 'Patient',
    birthDate: '1980-01-01',
    sex: 'female',
    email: 'bench@example.org',
  });
}

/** Each request upserts a code from a large pool: mostly inserts, some updates, as a busy EMR would. */
function load(url: string, token: string, seconds: number, title: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    let counter = 0;
    autocannon(
      {
        url: `${url}/v1/patients`,
        title,
        connections: CONNECTIONS,
        duration: seconds,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        requests: [{ setupRequest: (request) => ({ ...request, body: patientBody(`B${(counter++ * 7919) % 500_000}`) }) }],
      },
      (error, result) => {
        if (error) return reject(error);
        const errors = result.errors + result.timeouts + result.non2xx;
        resolve({ requestsPerSecond: result.requests.average, p99Ms: result.latency.p99, errors, total: result.requests.total });
      },
    );
  });
}

async function runBaseline(databaseUrl: string): Promise<LoadResult> {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_patients (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(), hospital_id uuid NOT NULL, patient_code text NOT NULL,
    first_name text NOT NULL, last_name text NOT NULL, birth_date text, sex text, email text,
    updated_at timestamptz NOT NULL DEFAULT now(), UNIQUE (hospital_id, patient_code))`);
  const hospitalId = '00000000-0000-4000-8000-000000000001';
  const app = Fastify();
  app.post('/v1/patients', async (request, reply) => {
    const body = request.body as { patientCode: string; firstName: string; lastName: string; birthDate: string; sex: string; email: string };
    const { rows } = await pool.query(
      `INSERT INTO bench_patients (hospital_id, patient_code, first_name, last_name, birth_date, sex, email)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (hospital_id, patient_code) DO UPDATE SET first_name = EXCLUDED.first_name,
         last_name = EXCLUDED.last_name, updated_at = now()
       RETURNING id, (xmax = 0) AS created`,
      [hospitalId, body.patientCode, body.firstName, body.lastName, body.birthDate, body.sex, body.email],
    );
    return reply.status(rows[0].created ? 201 : 200).send(rows[0]);
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    await load(address, 'baseline', 2, 'baseline warm-up');
    return await load(address, 'baseline', DURATION_S, 'baseline');
  } finally {
    await app.close();
    await pool.end();
  }
}

async function startDistributed(databaseUrl: string, amqpUrl: string) {
  const port = await freePort();
  const admin = { clientId: 'bench-admin', clientSecret: randomBytes(18).toString('base64url') };
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    AMQP_URL: amqpUrl,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_CLIENT_ID: admin.clientId,
    ADMIN_CLIENT_SECRET: admin.clientSecret,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  const children: ChildProcess[] = ['user-provisioning', 'patient-import', 'hl7-gateway', 'siu-ingestor', 'gateway'].map((app) =>
    spawn(process.execPath, [...nodeArgs(), join(ROOT, 'dist', 'apps', app, 'main.js')], { env, stdio: ['ignore', 'inherit', 'inherit'] }),
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    Promise.all(
      children.map((child) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM'))))),
    );
  await expectEventually(
    async () => {
      const response = await fetch(`${url}/health`);
      if (response.status !== 200) throw new Error(`health ${response.status}`);
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  return { url, admin, stop };
}

/** BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) is passed to every service process, for profiling. */
function nodeArgs(): string[] {
  return process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
}

async function hospitalToken(url: string, admin: { clientId: string; clientSecret: string }): Promise<string> {
  const post = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, string>>;
  };
  const adminToken = (await post('/v1/oauth/token', { grant_type: 'client_credentials', client_id: admin.clientId, client_secret: admin.clientSecret })).access_token;
  const hospital = await post('/v1/admin/hospitals', { key: 'bench', name: 'Bench' }, adminToken);
  const client = await post(`/v1/admin/hospitals/${hospital.id}/api-clients`, { name: 'bench', scopes: ['patients:write'] }, adminToken);
  return (await post('/v1/oauth/token', { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret })).access_token;
}

async function embeddedPostgres(cleanups: (() => Promise<unknown>)[]): Promise<string> {
  const postgres = await startEmbeddedPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'bench-pg-')), port: 0 });
  cleanups.push(() => postgres.stop());
  return postgres.url;
}

async function privateRabbitMq(cleanups: (() => Promise<unknown>)[]): Promise<string> {
  const node = await startRabbitMq();
  cleanups.push(() => node.stop());
  return node.url;
}

async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const pool = new Pool({ connectionString: withDatabase(serverUrl, 'postgres'), max: 1 });
  await pool.query(`CREATE DATABASE "${name}"`);
  await pool.end();
  return withDatabase(serverUrl, name);
}
