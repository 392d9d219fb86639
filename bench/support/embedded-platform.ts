/**
 * The embedded default (`npm start`, what a single hospital runs) for the benchmarks: every service in one
 * `node dist/apps/embedded/main.js` on the in-process bus, against the benchmark's PostgreSQL, without the
 * demo hospital. Same shape as the distributed platform, so a benchmark drives either the same way.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { withDatabase } from '@bridge/database';
import {
  benchPlatformEnv,
  DIST,
  nodeArgs,
  peakRssMb,
  stopChildren,
  waitHealthy,
  type DistributedPlatform,
} from './distributed-platform';
import { postgresServerPid } from '@bridge/testing';

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

export async function startEmbedded(
  databaseUrl: string,
  options: { env?: Record<string, string> } = {},
): Promise<DistributedPlatform> {
  const { env, url, admin } = await benchPlatformEnv(databaseUrl, {
    DEMO: 'off',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-embedded-')),
    ...options.env,
  });
  // The in-process bus: an AMQP_URL inherited from the benchmark's own environment would make it distributed.
  delete env.AMQP_URL;
  const child = spawn(process.execPath, [...nodeArgs(), join(DIST, 'apps', 'embedded', 'main.js')], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = () => stopChildren([child]);
  try {
    await waitHealthy(url);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    admin,
    stop,
    peakRss: () => ({ embedded: peakRssMb(child.pid!) }),
    processes: async () => ({ embedded: [child.pid!], postgres: [await postgresServerPid(databaseUrl)] }),
  };
}
