/**
 * P3 (QUALITY.md): pull-import latency. `POST /v1/imports` (source hl7, QRY^A19) through the distributed
 * platform against the hospital simulator on loopback, then the same on the embedded default (one process, the
 * in-process bus: what the hops between services cost); baseline in the same run: the same query sent
 * straight over MLLP to the same simulator. Prints the added p50/p99, the sustained lookups/s and the work
 * cost. BENCH_TOPOLOGY=distributed|embedded runs one topology; BENCH_IMPORT_CONCURRENCY changes the 16;
 * BENCH_KEEP_OPEN_MS sets the HL7 connection's keepOpenMs (queries on kept connections), and the baseline
 * then keeps its connections open too. Before the platform, the same serial lookups against P3's floor
 * (support/import-floor-service.ts): what a lookup keeping the message log's guarantees adds with none of our work;
 * and the three commits at the loaded phase's concurrency with their CPU per lookup; with the distributed topology,
 * the same split over three processes and two RPC hops as the platform splits a lookup; and what one durable
 * commit costs on this host, back to back and after a moment idle (support/commit-latency.ts).
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { Agent, request } from 'node:http';
import { type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SIM_AUTHORITIES, SIM_IDS } from '../apps/hospital-sim/src/dataset';
import { startHospitalSim } from '../apps/hospital-sim/src/hospital-sim';
import {
  benchHospital,
  benchInfrastructure,
  createBenchDatabase,
  runCleanups,
  startHelperProcesses,
  stopChildren,
  type Cleanups,
  type DistributedPlatform,
} from './support/distributed-platform';
import { chosenTopologies, startTopology, type Topology } from './support/embedded-platform';
import { idleCpuMsPerSecond, idleShare, measureWorkCost } from '@bridge/testing';
import { DirectLookups, type DirectLookupOptions } from './support/direct-lookup';
import { commitLatencyLine, measureCommitLatency } from './support/commit-latency';
import {
  DISTRIBUTED_ROLES,
  FLOOR_MODES,
  type FloorMode,
  type FloorRole,
} from './support/import-floor-service';
import { quantileOfSorted } from './support/quantiles';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
/** How long the platform is watched doing nothing, for the idle part of its CPU per lookup. */
const IDLE_SECONDS = 5;
/** Concurrent lookups in the loaded phase; BENCH_IMPORT_CONCURRENCY shows how the cost per lookup moves with it. */
const CONCURRENCY = Number(process.env.BENCH_IMPORT_CONCURRENCY ?? 16);
/** The HL7 connection's keepOpenMs; 0 (default): a connection per query, as a connection without it. */
const KEEP_OPEN_MS = Number(process.env.BENCH_KEEP_OPEN_MS ?? 0);
/**
 * Lookups at the loaded phase's concurrency before anything is timed. V8 optimizes a function after enough
 * calls, not after enough seconds: with 2 s (500-800 lookups) the services still spent a quarter of their
 * CPU in the optimizing compiler through the measured phase, and about 2% once some 4,000 lookups had run
 * (session 41's perf profiles). "Sustained" is a warm service's rate; P1 warms its servers up likewise
 * (push-load.ts WARM_UP_S).
 */
const WARM_UP_LOOKUPS = Number(process.env.BENCH_WARM_UP_LOOKUPS ?? 5000);

interface Latency {
  p50: number;
  p99: number;
  perSecond: number;
  /** Lookups answered. */
  total: number;
}

export async function main(): Promise<void> {
  const cleanups: Cleanups = [];
  try {
    const sim = await startHospitalSim({ host: '127.0.0.1' });
    cleanups.push(() => sim.close());
    const template = {
      queryStyle: 'QRY_A19' as const,
      version: '2.4',
      patientIdAuthority: SIM_AUTHORITIES.AZDEMO.namespace,
    };

    const direct = new DirectLookups({
      host: sim.mllp.host,
      port: sim.mllp.port,
      template,
      keepOpenMs: KEEP_OPEN_MS,
    });
    cleanups.push(() => direct.close());
    const directLookup = () => direct.send(direct.query().text);
    const baselineSerial = await measure(directLookup, { concurrency: 1, seconds: DURATION_S / 2 });
    const baselineLoaded = await measure(directLookup, { concurrency: CONCURRENCY, seconds: DURATION_S / 2 });

    const infrastructure = await benchInfrastructure(cleanups, 'bench_import');
    const baseline = { serial: baselineSerial, loaded: baselineLoaded };
    await measureFloor(
      infrastructure,
      { host: sim.mllp.host, port: sim.mllp.port, template, keepOpenMs: KEEP_OPEN_MS },
      baseline.serial,
    );
    const commits = await measureCommitLatency(
      await createBenchDatabase(infrastructure.databaseUrl, 'bench_import_commits'),
    );
    process.stdout.write(commitLatencyLine(commits));
    for (const topology of chosenTopologies()) {
      const { platform, databaseUrl } = await startTopology(topology, infrastructure);
      try {
        await measureLookups(topology, platform, databaseUrl, sim, template, baseline);
      } finally {
        await platform.stop();
      }
    }
  } finally {
    await runCleanups(cleanups);
  }
}

async function measureLookups(
  topology: Topology,
  platform: DistributedPlatform,
  databaseUrl: string,
  sim: Awaited<ReturnType<typeof startHospitalSim>>,
  template: Record<string, string>,
  baseline: { serial: Latency; loaded: Latency },
): Promise<void> {
  const { hospitalId, token, admin } = await benchHospital(platform, ['imports']);
  await admin('PUT', `/v1/admin/hospitals/${hospitalId}/connections/hl7`, {
    host: sim.mllp.host,
    port: sim.mllp.port,
    ...template,
    timeoutMs: 5000,
    ...(KEEP_OPEN_MS ? { keepOpenMs: KEEP_OPEN_MS } : {}),
  });
  await admin('PUT', `/v1/admin/hospitals/${hospitalId}/import-source`, { source: 'hl7' });

  const lookup = (connections: number, length: LoadLength) =>
    httpLoad(`${platform.url}/v1/imports`, token, connections, length);
  // Warm-up at the loaded phase's concurrency: the services' hot code is optimized (WARM_UP_LOOKUPS), every
  // pool holds the connections that phase uses, and a fresh PostgreSQL session's first statements (catalog
  // caches, the journal's partitions) are not billed to it.
  await lookup(CONCURRENCY, { amount: WARM_UP_LOOKUPS });
  // One at a time, timed like the direct baseline: autocannon's latencies are whole milliseconds, cut down
  // (4.9 ms counts as 4), too coarse for a target of 3 ms added.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const serial = await measure(() => serialLookup(agent, `${platform.url}/v1/imports`, token), {
    concurrency: 1,
    seconds: DURATION_S / 2,
  }).finally(() => agent.destroy());
  const processes = await platform.processes();
  const meter = await measureWorkCost(processes, databaseUrl);
  const loaded = await lookup(CONCURRENCY, { seconds: DURATION_S / 2 });
  const lookups = loaded.total;
  const cost = await meter.finish(lookups, 'lookup');
  // After finish(), which waited for the database to settle: the platform has nothing left to do.
  const idleMsPerSecond = await idleCpuMsPerSecond(processes, IDLE_SECONDS);

  process.stdout.write(
    `P3 pull-import${topology === 'distributed' ? '' : ' (embedded)'}${KEEP_OPEN_MS ? ', connections kept open' : ''}: p50 ${serial.p50.toFixed(1)} ms (direct MLLP ${baseline.serial.p50.toFixed(1)} ms, added ${(serial.p50 - baseline.serial.p50).toFixed(1)} ms), ` +
      `p99 ${serial.p99.toFixed(1)} ms (direct ${baseline.serial.p99.toFixed(1)} ms, added ${(serial.p99 - baseline.serial.p99).toFixed(1)} ms); ` +
      `${loaded.perSecond.toFixed(0)} lookups/s at ${CONCURRENCY} concurrent (direct ${baseline.loaded.perSecond.toFixed(0)}/s); ` +
      `ratio ${(loaded.perSecond / baseline.loaded.perSecond).toFixed(2)}; ${cost.summary} ` +
      `(target added p50 <= 3 ms, added p99 <= 15 ms, >= 300 lookups/s, <= 3 ms cpu/lookup)\n` +
      `${idleShare(cost, { msPerSecond: idleMsPerSecond, seconds: DURATION_S / 2, units: lookups, unitName: 'lookup' })}\n` +
      `  row writes by table per lookup: ${cost.writesByTable}\n`,
  );
}

/**
 * The floor (support/import-floor-service.ts) timed one lookup at a time like the platform: what any platform
 * keeping the message log's and audit trail's guarantees adds to a direct query here, with three durable
 * commits (as the platform) and with two (the completion beside the session); then the three commits at the
 * loaded phase's concurrency, for the least CPU a lookup costs here. The same in three processes over
 * RabbitMQ, as the distributed topology splits a lookup (gateway -> patient-import -> hl7-gateway), when the
 * distributed topology is measured.
 */
async function measureFloor(
  infrastructure: { databaseUrl: string; amqpUrl: string },
  lookups: DirectLookupOptions,
  direct: Latency,
): Promise<void> {
  const oneProcess = await measureFloorProcesses(
    infrastructure,
    lookups,
    direct,
    ['one-process'],
    FLOOR_MODES,
  );
  process.stdout.write(
    `P3 floor (one process: HTTP, the lookup's durable statements and its MLLP exchange, nothing else): ${oneProcess}\n`,
  );
  if (!chosenTopologies().includes('distributed')) return;
  const split = await measureFloorProcesses(infrastructure, lookups, direct, DISTRIBUTED_ROLES, [
    'distributed',
  ]);
  process.stdout.write(
    `P3 floor distributed (the same three commits split as the platform splits a lookup: HTTP -> RPC -> ` +
      `session commit, RPC -> journal row, exchange, completion; nothing else): ${split}\n`,
  );
}

/**
 * Starts the floor's `roles` on a database of their own, times each path serially against `direct`, and the
 * first path at the loaded phase's concurrency with its work cost.
 */
async function measureFloorProcesses(
  infrastructure: { databaseUrl: string; amqpUrl: string },
  lookups: DirectLookupOptions,
  direct: Latency,
  roles: readonly FloorRole[],
  paths: readonly (FloorMode | 'distributed')[],
): Promise<string> {
  const databaseUrl = await createBenchDatabase(infrastructure.databaseUrl, 'bench_import_floor');
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    AMQP_URL: infrastructure.amqpUrl,
    IMPORT_FLOOR_LOOKUP: JSON.stringify(lookups),
  };
  const children: ChildProcess[] = [];
  try {
    const { url, processes } = await startHelperProcesses(
      join(__dirname, 'support', 'import-floor-service.js'),
      roles,
      {
        databaseUrl,
        amqpUrl: roles.length > 1 ? infrastructure.amqpUrl : undefined,
        env,
        nameOf: (role) => (role === 'one-process' ? 'floor' : role),
      },
      children,
    );
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const added: string[] = [];
    try {
      for (const path of paths) {
        // Warmed up as the platform is, so neither is timed while V8 still optimizes it.
        await httpLoad(`${url}/${path}`, 'none', CONCURRENCY, { amount: WARM_UP_LOOKUPS });
        const lookup = () => serialLookup(agent, `${url}/${path}`, 'none');
        const floor = await measure(lookup, { concurrency: 1, seconds: DURATION_S / 2 });
        added.push(
          `${FLOOR_LABELS[path]} added p50 ${(floor.p50 - direct.p50).toFixed(1)} ms, p99 ${(floor.p99 - direct.p99).toFixed(1)} ms`,
        );
      }
    } finally {
      agent.destroy();
    }
    const meter = await measureWorkCost(processes, databaseUrl);
    const loaded = await httpLoad(`${url}/${paths[0]}`, 'none', CONCURRENCY, { seconds: DURATION_S / 2 });
    const cost = await meter.finish(loaded.total, 'lookup');
    return (
      `${added.join('; ')}; the first at ${CONCURRENCY} concurrent: ` +
      `${loaded.perSecond.toFixed(0)} lookups/s, ${cost.summary}`
    );
  } finally {
    await stopChildren(children);
  }
}

const FLOOR_LABELS: Record<FloorMode | 'distributed', string> = {
  'three-commits':
    'three commits as the platform makes them (the least a lookup keeping its guarantees adds here)',
  'two-commits': "the completion in the session's commit",
  distributed: 'three commits over two RPC hops',
};

/** Runs `call` back to back from `concurrency` loops for `seconds`; latency percentiles and throughput. */
async function measure(
  call: () => Promise<unknown>,
  options: { concurrency: number; seconds: number },
): Promise<Latency> {
  const latencies: number[] = [];
  const deadline = Date.now() + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (Date.now() < deadline) {
        const started = performance.now();
        await call();
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    p50: quantileOfSorted(latencies, 0.5),
    p99: quantileOfSorted(latencies, 0.99),
    perSecond: latencies.length / options.seconds,
    total: latencies.length,
  };
}

/** One lookup on the agent's kept-alive connection; rejects unless it answers 2xx. */
function serialLookup(agent: Agent, url: string, token: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const call = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (response) => {
        response.resume();
        response.once('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`lookup answered ${status}`));
        });
      },
    );
    call.once('error', reject);
    call.end(JSON.stringify({ patientCode: SIM_IDS.francoise }));
  });
}

/** A load runs for so many seconds, or until so many lookups have been answered. */
type LoadLength = { seconds: number } | { amount: number };

function httpLoad(url: string, token: string, connections: number, length: LoadLength): Promise<Latency> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        ...('amount' in length ? { amount: length.amount } : { duration: length.seconds }),
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ patientCode: SIM_IDS.francoise }),
      },
      (error, result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        if (result.non2xx + result.errors > 0)
          return reject(new Error(`${result.non2xx + result.errors} failed lookups`));
        resolve({
          p50: result.latency.p50,
          p99: result.latency.p99,
          perSecond: result.requests.average,
          total: result.requests.total,
        });
      },
    );
  });
}
