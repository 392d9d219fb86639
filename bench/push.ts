/**
 * P1 (QUALITY.md): POST /v1/patients upserts, 64 concurrent connections for 20 s, distributed topology
 * (gateway + user-provisioning + patient-import as separate processes over RabbitMQ, PostgreSQL), then the
 * same on the embedded default (issue 17: one process, in-process bus; it must not be slower). Each runs on a
 * database of its own. Baseline in the same run: a bare Fastify route doing the same INSERT .. ON CONFLICT.
 *
 * Uses AMQP_URL / TEST_DATABASE_URL when set, else starts a private RabbitMQ node and an embedded
 * PostgreSQL. BENCH_DURATION_S shortens the runs for a smoke check; BENCH_TOPOLOGY=distributed|embedded
 * runs one topology only.
 */
import 'reflect-metadata';
import Fastify from 'fastify';
import { Pool } from 'pg';
import {
  benchHospital,
  benchInfrastructure,
  runCleanups,
  type Cleanups,
  type DistributedPlatform,
} from './support/distributed-platform';
import { chosenTopologies, startTopology, type Topology } from './support/embedded-platform';
import { cpuMsOf, idleCpuMsPerSecond, idleShare, measureWorkCost, type WorkCost } from '@bridge/testing';
import {
  createBaselineTable,
  pushLoad,
  routeBaselineUpsert,
  WARM_UP_S,
  type LoadResult,
} from './support/push-load';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);
/** How long the platform is watched doing nothing, for the idle part of its CPU per upsert. */
const IDLE_SECONDS = 5;

export async function main(): Promise<void> {
  const cleanups: Cleanups = [];
  try {
    const infrastructure = await benchInfrastructure(cleanups, 'bench_push');
    const { databaseUrl } = infrastructure;

    const baseline = await runBaseline(databaseUrl);
    process.stdout.write(
      `baseline: ${baseline.requestsPerSecond.toFixed(0)} req/s, p99 ${baseline.p99Ms} ms\n`,
    );

    const costs: Partial<Record<Topology, WorkCost>> = {};
    for (const topology of chosenTopologies()) {
      const { platform, databaseUrl: platformDatabase } = await startTopology(topology, infrastructure);
      try {
        costs[topology] = await measurePush(topology, platform, platformDatabase, baseline);
      } finally {
        await platform.stop();
      }
    }
    if (costs.distributed && costs.embedded) {
      process.stdout.write(
        `P1 embedded vs distributed: cpu ${(costs.embedded.cpuMsPerUnit / costs.distributed.cpuMsPerUnit).toFixed(2)}x ` +
          `per upsert (target: embedded not slower)\n`,
      );
    }
  } finally {
    await runCleanups(cleanups);
  }
}

async function measurePush(
  topology: Topology,
  platform: DistributedPlatform,
  databaseUrl: string,
  baseline: LoadResult,
): Promise<WorkCost> {
  const { token } = await benchHospital(platform, ['patients:write']);
  await pushLoad(platform.url, token, WARM_UP_S, 'warm-up');
  const processes = await platform.processes();
  const meter = await measureWorkCost(processes, databaseUrl, {
    warmUp: async () => (await pushLoad(platform.url, token, 2, 'warm-up after the settle')).total,
  });
  const loadGenerator = process.cpuUsage();
  const result = await pushLoad(platform.url, token, DURATION_S, 'bench');
  const loadGeneratorMs = cpuMsOf(process.cpuUsage(loadGenerator)) / Math.max(result.total, 1);
  const cost = await meter.finish(result.total, 'upsert');
  // After finish(), which waited for the database to settle: the platform has nothing left to do.
  const idleMsPerSecond = await idleCpuMsPerSecond(processes, IDLE_SECONDS);
  const ratio = result.requestsPerSecond / baseline.requestsPerSecond;
  process.stdout.write(
    `P1 push-api ${topology}: ${result.total} upserts in ${DURATION_S} s = ${result.requestsPerSecond.toFixed(0)} req/s, ` +
      `p99 ${result.p99Ms} ms, errors ${result.errors}; baseline ${baseline.requestsPerSecond.toFixed(0)} req/s ` +
      `p99 ${baseline.p99Ms} ms; ratio ${ratio.toFixed(2)}; ${cost.summary} ` +
      `(target >= 1500 req/s, p99 <= 50 ms, ratio >= 0.5, 0 errors, <= 1.5 ms cpu/upsert)\n` +
      `  the load generator (this process, on the same 2 cores) spent ${loadGeneratorMs.toFixed(2)} ms/upsert more\n` +
      `${idleShare(cost, { msPerSecond: idleMsPerSecond, seconds: DURATION_S, units: result.total, unitName: 'upsert' })}\n` +
      `  row writes by table per upsert: ${cost.writesByTable}\n`,
  );
  return cost;
}

async function runBaseline(databaseUrl: string): Promise<LoadResult> {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  await createBaselineTable(pool);
  const app = Fastify();
  routeBaselineUpsert(app, pool);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    await pushLoad(address, 'baseline', WARM_UP_S, 'baseline warm-up');
    return await pushLoad(address, 'baseline', DURATION_S, 'baseline');
  } finally {
    await app.close();
    await pool.end();
  }
}
