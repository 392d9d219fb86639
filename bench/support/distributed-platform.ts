/**
 * What the benchmarks share: real infrastructure (AMQP_URL / TEST_DATABASE_URL when set, else a private
 * RabbitMQ node and an embedded PostgreSQL), the platform as one process per service from dist/, and a
 * hospital with an API client to drive it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import {
  dropDatabaseWithServiceRoles,
  freePort,
  startEmbeddedPostgres,
  withDatabase,
} from '@bridge/database';
import {
  postgresServerPid,
  rabbitMqPids,
  stopChildren,
  untilHealthy,
  PLATFORM_SERVICES,
} from '@bridge/testing';
export { stopChildren };
import { startRabbitMq } from '../../libs/testing/src/rabbitmq/rabbitmq-launcher';
import { startReadyProcess } from './ready-process';

/** The build the services run from: this one, or BENCH_DIST_DIR (a copy that a rebuild does not disturb). */
export const DIST = process.env.BENCH_DIST_DIR || join(__dirname, '..', '..');

export type Cleanups = (() => Promise<unknown>)[];

/** The directory of each private RabbitMQ node benchInfrastructure started, by AMQP URL: names the VM a work-cost meter sums. */
const privateBrokerNodes = new Map<string, string>();

export async function runCleanups(cleanups: Cleanups): Promise<void> {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}

/** A fresh database on the benchmark's PostgreSQL, and the broker URL. */
export async function benchInfrastructure(
  cleanups: Cleanups,
  name: string,
): Promise<{ databaseUrl: string; amqpUrl: string }> {
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const postgres = await startEmbeddedPostgres({
      dataDir: mkdtempSync(join(tmpdir(), 'bench-pg-')),
      port: 0,
    });
    cleanups.push(() => postgres.stop());
    serverUrl = postgres.url;
  }
  let amqpUrl = process.env.AMQP_URL;
  if (!amqpUrl) {
    const node = await startRabbitMq();
    cleanups.push(() => node.stop());
    amqpUrl = node.url;
    privateBrokerNodes.set(amqpUrl, node.dir);
  }
  // Cleanups run in reverse, so this runs after every one pushed later: the platforms stop before the databases
  // the run made are dropped. Left behind, they and their roles piled up on a shared server (36 databases and
  // 370 roles after an afternoon of A/B runs).
  const server = serverUrl;
  cleanups.push(() => dropBenchDatabases(server));
  return { databaseUrl: await createBenchDatabase(serverUrl, name), amqpUrl };
}

/** The databases createBenchDatabase made in this process, to drop at the end (benchInfrastructure). */
const benchDatabases = new Set<string>();

/** A fresh database named `<name>_<random>` on the server of `serverUrl`; its URL. */
export async function createBenchDatabase(serverUrl: string, name: string): Promise<string> {
  const database = `${name}_${randomBytes(4).toString('hex')}`;
  const pool = new Pool({ connectionString: withDatabase(serverUrl, 'postgres'), max: 1 });
  try {
    await pool.query(`CREATE DATABASE "${database}"`);
    benchDatabases.add(database);
  } finally {
    await pool.end();
  }
  return withDatabase(serverUrl, database);
}

/** Drops them, each with the service roles the platform launcher made for it (as test databases are dropped). */
async function dropBenchDatabases(serverUrl: string): Promise<void> {
  for (const database of benchDatabases) {
    await dropDatabaseWithServiceRoles(withDatabase(serverUrl, 'postgres'), database);
    benchDatabases.delete(database);
  }
}

export interface DistributedPlatform {
  url: string;
  admin: { clientId: string; clientSecret: string };
  stop: () => Promise<unknown>;
  /** Peak resident set (VmHWM) of every service process so far, in MB. */
  peakRss(): Record<string, number>;
  /** Each service's process id, and PostgreSQL's and RabbitMQ's: what a work-cost meter sums. */
  processes(): Promise<Record<string, number[]>>;
}

/** Every service as its own `node dist/apps/<app>/main.js` over RabbitMQ; resolves when /health is green. */
export async function startDistributed(
  databaseUrl: string,
  amqpUrl: string,
  options: { env?: Record<string, string> } = {},
): Promise<DistributedPlatform> {
  const { env, url, admin } = await benchPlatformEnv(databaseUrl, { AMQP_URL: amqpUrl, ...options.env });
  const byService = new Map<string, ChildProcess>(
    PLATFORM_SERVICES.map((app) => [
      app,
      spawn(process.execPath, [...nodeArgs(), join(DIST, 'apps', app, 'main.js')], {
        env,
        stdio: ['ignore', 'inherit', 'inherit'],
      }),
    ]),
  );
  const children = [...byService.values()];
  const stop = () => stopChildren(children);
  try {
    await untilHealthy(
      url,
      [...byService].map(([service, child]) => ({ service, child })),
      60_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const peakRss = () =>
    Object.fromEntries([...byService].map(([service, child]) => [service, peakRssMb(child.pid!)]));
  const processes = async () => ({
    ...Object.fromEntries([...byService].map(([service, child]) => [service, [child.pid!]])),
    postgres: [await postgresServerPid(databaseUrl)],
    rabbitmq: brokerPids(amqpUrl),
  });
  return { url, admin, stop, peakRss, processes };
}

/** The RabbitMQ VM behind `amqpUrl`: the private node benchInfrastructure started, else the system broker. */
export function brokerPids(amqpUrl: string): number[] {
  return rabbitMqPids(privateBrokerNodes.get(amqpUrl));
}

/**
 * Starts a benchmark's helper processes in order (`node <file> <role>`, each ready once it prints `ready [url]`):
 * the url of the last one, which takes the load, and the process trees a work-cost meter sums: each role under
 * `nameOf(role)`, PostgreSQL, and RabbitMQ when the roles talk over `amqpUrl`.
 */
export async function startHelperProcesses(
  file: string,
  roles: readonly string[],
  options: { databaseUrl: string; amqpUrl?: string; env: NodeJS.ProcessEnv; nameOf(role: string): string },
  children: ChildProcess[],
): Promise<{ url: string; processes: Record<string, number[]> }> {
  const processes: Record<string, number[]> = { postgres: [await postgresServerPid(options.databaseUrl)] };
  let url = '';
  for (const role of roles) {
    const started = await startReadyProcess(file, [role], options.env, children);
    processes[options.nameOf(role)] = [started.child.pid!];
    url = started.url;
  }
  if (options.amqpUrl) processes.rabbitmq = brokerPids(options.amqpUrl);
  return { url, processes };
}

/** The peak resident set (VmHWM) of a running process so far, in MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
}

/** What every platform a benchmark starts is given: its database, fresh secrets, an admin client, a free port. */
export async function benchPlatformEnv(
  databaseUrl: string,
  extra: Record<string, string> = {},
): Promise<{ env: NodeJS.ProcessEnv; url: string; admin: { clientId: string; clientSecret: string } }> {
  const port = await freePort();
  const admin = { clientId: 'bench-admin', clientSecret: randomBytes(18).toString('base64url') };
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    SIGNING_KEY_PASSPHRASE: randomBytes(32).toString('hex'),
    SECRETS_KEY: randomBytes(32).toString('base64'),
    ADMIN_CLIENT_ID: admin.clientId,
    ADMIN_CLIENT_SECRET: admin.clientSecret,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    // Bench hospitals are simulators on loopback, and their SIU folders are made in the temp directory.
    ALLOW_LOOPBACK_DESTINATIONS: 'true',
    SIU_DIRECTORY_ROOTS: tmpdir(),
    ...extra,
  };
  return { env, url: `http://127.0.0.1:${port}`, admin };
}

/** BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) is passed to every service process, for profiling. */
export function nodeArgs(): string[] {
  return process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
}

export type BenchApi = (method: string, path: string, body?: unknown) => Promise<Record<string, any>>;

/** A hospital with an API client holding `scopes`; `admin` and `hospital` call the API as either. */
export async function benchHospital(
  platform: DistributedPlatform,
  scopes: string[],
): Promise<{ hospitalId: string; token: string; admin: BenchApi; hospital: BenchApi }> {
  const call =
    (token?: string): BenchApi =>
    async (method, path, body) => {
      const response = await fetch(`${platform.url}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, any>>;
    };
  const anonymous = call();
  const tokenOf = async (clientId: string, clientSecret: string) =>
    (
      await anonymous('POST', '/v1/oauth/token', {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      })
    ).access_token as string;
  const admin = call(await tokenOf(platform.admin.clientId, platform.admin.clientSecret));
  const created = await admin('POST', '/v1/admin/hospitals', { key: 'bench', name: 'Bench' });
  const client = await admin('POST', `/v1/admin/hospitals/${created.id}/api-clients`, {
    name: 'bench',
    scopes,
  });
  const token = await tokenOf(client.clientId, client.clientSecret);
  return { hospitalId: created.id, token, admin, hospital: call(token) };
}
