/**
 * P1's floor (issue 17): what the RPC hop the distributed topology puts in every push costs by itself. The
 * same load as bench/push.ts (64 connections, the same upsert) against
 * - `direct`: one process, Fastify + the upsert on PostgreSQL (push.ts's baseline, here in its own process);
 * - `bus`: Fastify handing each request over RabbitMQ to a second process doing that upsert, with nothing else
 *   (no token, no validation, no events);
 * - `bus+events`: as `bus`, the upsert also writing the two events every push records to an outbox, in the
 *   same statement: the least work a gateway + patient-import pair can do for what PRODUCT.md asks of a push
 *   (the platform also checks a token, validates, and relays the events to RabbitMQ).
 * bus/direct is the best ratio any distributed push can reach on this machine, and bus minus direct in CPU
 * per request is the hop's own price. Each mode runs on a database of its own; CPU is summed over the mode's
 * processes, PostgreSQL and (for the bus modes) RabbitMQ.
 */
import { type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { measureWorkCost, type WorkCost } from '@bridge/testing';
import {
  benchInfrastructure,
  createBenchDatabase,
  runCleanups,
  startHelperProcesses,
  stopChildren,
  type Cleanups,
} from './support/distributed-platform';
import { type FloorRole } from './support/floor-service';
import { pushLoad, WARM_UP_S, type LoadResult } from './support/push-load';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);

interface ModeResult {
  load: LoadResult;
  cost: WorkCost;
}

/** Each mode's processes, started in this order; the last one takes the load. */
const MODES = {
  direct: ['direct'],
  bus: ['worker', 'front'],
  'bus+events': ['worker-events', 'front'],
} satisfies Record<string, FloorRole[]>;
type Mode = keyof typeof MODES;

export async function main(): Promise<void> {
  const cleanups: Cleanups = [];
  try {
    const infrastructure = await benchInfrastructure(cleanups, 'bench_floor');
    const results = {} as Record<Mode, ModeResult>;
    for (const mode of Object.keys(MODES) as Mode[]) results[mode] = await runMode(mode, infrastructure);
    const { direct, bus } = results;
    const against = (mode: ModeResult) =>
      `${(mode.load.requestsPerSecond / direct.load.requestsPerSecond).toFixed(2)} in req/s, ` +
      `${(direct.cost.cpuMsPerUnit / mode.cost.cpuMsPerUnit).toFixed(2)} in cpu per request`;
    process.stdout.write(
      `P1 floor: bus/direct ${against(bus)}; the RPC hop costs ` +
        `${(bus.cost.cpuMsPerUnit - direct.cost.cpuMsPerUnit).toFixed(2)} ms cpu per request; ` +
        `bus+events/direct ${against(results['bus+events'])} ` +
        `(the best ratios a distributed push can reach here; P1's target is >= 0.5)\n`,
    );
  } finally {
    await runCleanups(cleanups);
  }
}

/** Runs `mode` on a database of its own and stops its processes (a worker left serving would take the next mode's requests). */
async function runMode(
  mode: Mode,
  infrastructure: { databaseUrl: string; amqpUrl: string },
): Promise<ModeResult> {
  const databaseUrl = await createBenchDatabase(infrastructure.databaseUrl, 'bench_floor');
  const env = { ...process.env, DATABASE_URL: databaseUrl, AMQP_URL: infrastructure.amqpUrl };
  const children: ChildProcess[] = [];
  try {
    const { url, processes } = await startHelperProcesses(
      join(__dirname, 'support', 'floor-service.js'),
      MODES[mode],
      {
        databaseUrl,
        amqpUrl: mode === 'direct' ? undefined : infrastructure.amqpUrl,
        env,
        nameOf: (role) => role.replace('-events', ''),
      },
      children,
    );
    await pushLoad(url, 'floor', WARM_UP_S, `${mode} warm-up`);
    const meter = await measureWorkCost(processes, databaseUrl, {
      warmUp: async () => (await pushLoad(url, 'floor', 2, `${mode} warm-up after the settle`)).total,
    });
    const load = await pushLoad(url, 'floor', DURATION_S, mode);
    const cost = await meter.finish(load.total, 'request');
    process.stdout.write(
      `P1 floor ${mode}: ${load.total} requests in ${DURATION_S} s = ${load.requestsPerSecond.toFixed(0)} req/s, ` +
        `p99 ${load.p99Ms} ms, errors ${load.errors}; ${cost.summary}\n`,
    );
    if (load.errors > 0) throw new Error(`${mode}: ${load.errors} requests failed`);
    return { load, cost };
  } finally {
    await stopChildren(children);
  }
}
