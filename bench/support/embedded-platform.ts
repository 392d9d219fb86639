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
  createBenchDatabase,
  DIST,
  nodeArgs,
  peakRssMb,
  startDistributed,
  stopChildren,
  type DistributedPlatform,
} from './distributed-platform';
import { postgresServerPid, untilHealthy } from '@bridge/testing';

export const TOPOLOGIES = ['distributed', 'embedded'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

/** The topologies a benchmark runs: both, or the one BENCH_TOPOLOGY names. */
export function chosenTopologies(): Topology[] {
  const only = process.env.BENCH_TOPOLOGY;
  return TOPOLOGIES.filter((topology) => !only || topology === only);
}

/**
 * A running platform of `topology` for a benchmark: the distributed one on the benchmark's database, the
 * embedded one on an empty database beside it, so each topology's row writes are its own. Answers the
 * platform and the database it runs on.
 */
export async function startTopology(
  topology: Topology,
  infrastructure: { databaseUrl: string; amqpUrl: string },
  options: { env?: Record<string, string> } = {},
): Promise<{ platform: DistributedPlatform; databaseUrl: string }> {
  const { databaseUrl, amqpUrl } = infrastructure;
  if (topology === 'distributed')
    return { platform: await startDistributed(databaseUrl, amqpUrl, options), databaseUrl };
  const embeddedUrl = await createBenchDatabase(
    databaseUrl,
    `${new URL(databaseUrl).pathname.slice(1)}_embedded`,
  );
  return { platform: await startEmbedded(embeddedUrl, options), databaseUrl: embeddedUrl };
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
    await untilHealthy(url, [{ service: 'embedded', child }], 60_000);
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
