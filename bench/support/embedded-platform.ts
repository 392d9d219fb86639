/**
 * The embedded default as a benchmark runs it: `npm start`'s app (dist/apps/embedded/main.js), every service
 * in one process over the in-process bus, on the benchmark's PostgreSQL (no demo hospital). The same handle
 * as the distributed platform, so a benchmark measures both topologies with the same code.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { freePort, withDatabase } from '@bridge/database';
import { expectEventually } from '@bridge/testing';
import type { DistributedPlatform } from './distributed-platform';
import { postgresServerPid } from './work-cost';

/** The build the app runs from: this one, or BENCH_DIST_DIR (as for the distributed platform). */
const DIST = process.env.BENCH_DIST_DIR || join(__dirname, '..', '..');

/** Another empty database on the server of `databaseUrl`, so each topology's row writes are its own. */
export async function siblingDatabase(databaseUrl: string, name: string): Promise<string> {
  const database = `${name}_${randomBytes(4).toString('hex')}`;
  const pool = new Pool({ connectionString: withDatabase(databaseUrl, 'postgres'), max: 1 });
  try {
    await pool.query(`CREATE DATABASE "${database}"`);
  } finally {
    await pool.end();
  }
  return withDatabase(databaseUrl, database);
}

/** One `node dist/apps/embedded/main.js` (DEMO=off, in-process bus); resolves when /health is green. */
export async function startEmbedded(
  databaseUrl: string,
  options: { env?: Record<string, string> } = {},
): Promise<DistributedPlatform> {
  const port = await freePort();
  const admin = { clientId: 'bench-admin', clientSecret: randomBytes(18).toString('base64url') };
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-embedded-'));
  const { AMQP_URL: _broker, ...environment } = process.env;
  const child = spawn(process.execPath, [...nodeArgs(), join(DIST, 'apps', 'embedded', 'main.js')], {
    env: {
      ...environment,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      DEMO: 'off',
      SIGNING_KEY_PASSPHRASE: randomBytes(32).toString('hex'),
      SECRETS_KEY: randomBytes(32).toString('base64'),
      ADMIN_CLIENT_ID: admin.clientId,
      ADMIN_CLIENT_SECRET: admin.clientSecret,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ALLOW_LOOPBACK_DESTINATIONS: 'true',
      SIU_DIRECTORY_ROOTS: tmpdir(),
      ...options.env,
    },
    // Its start-up banner is for a person at a terminal; warnings and errors still show.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  await expectEventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`the embedded platform exited with ${child.exitCode}`);
      const response = await fetch(`${url}/health`);
      if (response.status !== 200) throw new Error(`health ${response.status}`);
    },
    { timeoutMs: 120_000, intervalMs: 200 },
  );
  const peakRss = () => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return { embedded: Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024) };
  };
  const processes = async () => ({
    embedded: [child.pid!],
    postgres: [await postgresServerPid(databaseUrl)],
  });
  return { url, admin, stop, peakRss, processes };
}

/** BENCH_NODE_ARGS, as the distributed platform passes it to every service. */
function nodeArgs(): string[] {
  return process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
}
