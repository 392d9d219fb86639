/**
 * The embedded default (`npm start`, what a single hospital runs) for the benchmarks: every service in one
 * `node dist/apps/embedded/main.js` on the in-process bus, against the benchmark's PostgreSQL, without the
 * demo hospital. Same shape as the distributed platform, so a benchmark drives either the same way.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

export async function startEmbedded(databaseUrl: string): Promise<DistributedPlatform> {
  const { env, url, admin } = await benchPlatformEnv(databaseUrl, {
    DEMO: 'off',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-embedded-')),
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
