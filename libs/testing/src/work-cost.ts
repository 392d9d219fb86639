/**
 * What a unit of work costs, the figures a noisy shared machine does not move: CPU milliseconds summed over
 * every process a benchmark starts (each service, PostgreSQL with all its backends, RabbitMQ), and row writes
 * (inserts + updates + deletes in pg_stat_user_tables). Throughput changes with whatever else runs; these do
 * not, so they are what tells whether a change helped.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Pool } from 'pg';

/** Clock ticks per second of /proc's CPU times. */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
/** PostgreSQL backends flush their table statistics at most this long after their last transaction (PGSTAT_IDLE_INTERVAL). */
const STATS_FLUSH_MS = 10_000;

interface ProcessTimes {
  ppid: number;
  /** utime + stime + cutime + cstime: the process and its children already gone. */
  ticks: number;
}

/**
 * Write system calls (write, writev, send…) of all the process's threads, `syscw` of /proc/<pid>/io (`self`:
 * this process); 0 where /proc does not let us read them (we can read our own processes', or every one as root).
 */
export function writeCallsOf(pid: string): number {
  try {
    return Number(WRITE_CALLS.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const WRITE_CALLS = /^syscw: (\d+)$/m;

function readProcesses(): Map<number, ProcessTimes> {
  const table = new Map<number, ProcessTimes>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After "pid (comm) ": field 3 is the state; comm may hold spaces and parentheses, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
      table.set(Number(entry), { ppid: Number(fields[1]), ticks });
    } catch {
      // The process ended while we read.
    }
  }
  return table;
}

interface Totals {
  ticks: number;
  writeCalls: number;
}

/**
 * CPU ticks and write calls of each named process tree (the root and every descendant alive now). Every
 * process's stat is read to find the trees; the write calls only of the processes in them.
 */
function treeTotals(roots: Record<string, number[]>): Record<string, Totals> {
  const table = readProcesses();
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const sum = (pid: number): Totals =>
    (children.get(pid) ?? []).map(sum).reduce(add, {
      ticks: table.get(pid)?.ticks ?? 0,
      writeCalls: table.has(pid) ? writeCallsOf(String(pid)) : 0,
    });
  return Object.fromEntries(
    Object.entries(roots).map(([name, pids]) => [
      name,
      pids.map(sum).reduce(add, { ticks: 0, writeCalls: 0 }),
    ]),
  );
}

function add(a: Totals, b: Totals): Totals {
  return { ticks: a.ticks + b.ticks, writeCalls: a.writeCalls + b.writeCalls };
}

/** CPU ticks of all the named process trees together. */
function totalTicks(processes: Record<string, number[]>): number {
  return Object.values(treeTotals(processes)).reduce((total, value) => total + value.ticks, 0);
}

/** The postmaster of the server behind `databaseUrl` (its data directory names it; we run as root or its owner). */
export async function postgresServerPid(databaseUrl: string): Promise<number> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const { rows } = await pool.query<{ data_directory: string }>('SHOW data_directory');
    return Number(readFileSync(`${rows[0].data_directory}/postmaster.pid`, 'utf8').split('\n')[0]);
  } finally {
    await pool.end();
  }
}

/**
 * The Erlang VM of the benchmark's private RabbitMQ node when `nodeDir` (its HOME, `-home <dir>` on the VM's
 * command line) names it; else (the system broker under AMQP_URL) every Erlang VM running RabbitMQ on this
 * machine. Summing every node would charge the benchmark with the brokers other test runs start and stop.
 */
export function rabbitMqPids(nodeDir?: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'beam.smp') continue;
      if (
        readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(
          nodeDir === undefined ? 'rabbit' : `-home\0${nodeDir}\0`,
        )
      )
        pids.push(Number(entry));
    } catch {
      // Gone while we read.
    }
  }
  return pids;
}

/**
 * Row writes (inserts + updates + deletes) of each table and its TOAST table, by relation: a table dropped
 * between two readings (a journal's pruned day partition) takes its counters with it, so only relations
 * read both times, or created meanwhile, are compared (`writesBetween`).
 */
export interface RelationWrites {
  /** A partitioned journal's day partitions named as the journal, TOAST as its table: how they are printed. */
  name: string;
  writes: number;
}

/** By relation id. */
export type RowWrites = Map<string, RelationWrites>;

async function rowWrites(pool: Pool): Promise<RowWrites> {
  const { rows } = await pool.query<{ relid: string; name: string; writes: string }>(
    `SELECT s.relid::text AS relid,
            n.nspname || '.' || regexp_replace(owner.relname, '_(p[0-9]{8}|default)$', '') AS name,
            s.n_tup_ins + s.n_tup_upd + s.n_tup_del AS writes
     FROM pg_stat_all_tables s
     JOIN pg_class owner
       ON owner.oid = COALESCE((SELECT t.oid FROM pg_class t WHERE t.reltoastrelid = s.relid), s.relid)
     JOIN pg_namespace n ON n.oid = owner.relnamespace
     WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`,
  );
  return new Map(rows.map((row) => [row.relid, { name: row.name, writes: Number(row.writes) }]));
}

/** Writes between two readings by table name: each relation still there counted from its first reading (0 if new). */
export function writesBetween(before: RowWrites, after: RowWrites): Map<string, number> {
  const byTable = new Map<string, number>();
  for (const [relid, { name, writes }] of after) {
    byTable.set(name, (byTable.get(name) ?? 0) + writes - (before.get(relid)?.writes ?? 0));
  }
  return byTable;
}

function totalWrites(writes: RowWrites): number {
  return [...writes.values()].reduce((sum, relation) => sum + relation.writes, 0);
}

/**
 * Row writes once every backend has reported: the count must hold still for longer than a backend may keep
 * its statistics to itself.
 */
async function settledRowWrites(pool: Pool): Promise<RowWrites> {
  let last = await rowWrites(pool);
  let stillSince = Date.now();
  while (Date.now() - stillSince <= STATS_FLUSH_MS) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = await rowWrites(pool);
    if (totalWrites(now) !== totalWrites(last) || now.size !== last.size) stillSince = Date.now();
    last = now;
  }
  return last;
}

/** `outbox 4.0, patients 1.0, …`: the tables written per unit, most first (those under 0.05 left out). */
function describeWrites(byTable: Map<string, number>, units: number): string {
  return [...byTable]
    .map(([name, writes]) => [name, writes / units] as const)
    .filter(([, perUnit]) => perUnit >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, perUnit]) => `${name} ${perUnit.toFixed(1)}`)
    .join(', ');
}

export interface CpuCost {
  cpuMsPerUnit: number;
  cpuMsByProcess: Record<string, number>;
  /**
   * Write system calls per unit, summed like the CPU: on loopback each one also runs the receiver's side of
   * TCP, so fewer is cheaper; a count, it does not move with the machine's load either.
   */
  writeCallsPerUnit: number;
  /** `cpu 1.23 ms/unit (gateway 0.40, postgres 0.30, ...), 9.5 write calls/unit (gateway 2.0, ...)` */
  summary: string;
}

export interface WorkCost extends CpuCost {
  rowWritesPerUnit: number;
  /** `outbox 4.0, patients 1.0, …` per unit: where the row writes go (benchmarks print it on a line of its own). */
  writesByTable: string;
  /** `cpu 1.23 ms/unit (gateway 0.40, ...), 9.5 write calls/unit (gateway 2.0, ...), 5.0 row writes/unit` */
  summary: string;
}

/**
 * Starts measuring CPU only: `processes` names the process trees to sum (services by name, `postgres`,
 * `rabbitmq`). For a load whose database never holds still (a schedule ticking meanwhile), where row writes
 * cannot be counted.
 */
export function measureCpu(processes: Record<string, number[]>): {
  finish(units: number, unitName: string): CpuCost;
} {
  const before = treeTotals(processes);
  return {
    finish(units, unitName) {
      const after = treeTotals(processes);
      const spent = (field: keyof Totals) =>
        Object.keys(processes).map((name) => [name, after[name][field] - before[name][field]] as const);
      const perUnit = (value: number) => value / Math.max(units, 1);
      const total = (values: (readonly [string, number])[]) =>
        values.reduce((sum, [, value]) => sum + value, 0);
      const cpuMs = spent('ticks').map(([name, ticks]) => [name, (ticks * 1000) / TICKS_PER_SECOND] as const);
      const writeCalls = spent('writeCalls');
      const cpuMsPerUnit = perUnit(total(cpuMs));
      const writeCallsPerUnit = perUnit(total(writeCalls));
      const cpuParts = cpuMs.map(([name, ms]) => `${name} ${perUnit(ms).toFixed(2)}`);
      const writeParts = writeCalls
        .filter(([, calls]) => calls > 0)
        .map(([name, calls]) => `${name} ${perUnit(calls).toFixed(1)}`);
      return {
        cpuMsPerUnit,
        cpuMsByProcess: Object.fromEntries(cpuMs),
        writeCallsPerUnit,
        summary:
          `cpu ${cpuMsPerUnit.toFixed(2)} ms/${unitName} (${cpuParts.join(', ')}), ` +
          `${writeCallsPerUnit.toFixed(1)} write calls/${unitName} (${writeParts.join(', ')})`,
      };
    },
  };
}

/** CPU milliseconds of a `process.cpuUsage()` reading: user and system time. */
export function cpuMsOf(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

export interface WorkCostMeter {
  /** Stops the clock after `units` units of work; waits for PostgreSQL's statistics to settle. */
  finish(units: number, unitName: string): Promise<WorkCost>;
}

/**
 * Starts measuring: `processes` names the process trees to sum (services by name, `postgres`, `rabbitmq`);
 * `databaseUrl` is the benchmark's database, whose tables' writes are counted.
 *
 * `warmUp`, when given, runs after the row writes have settled and just before the CPU clock starts, and
 * answers how many units it did (counted in the row writes, not in the CPU). Settling takes PostgreSQL's
 * statistics interval of idle, and a platform measured straight after such a lull starts slow: its first
 * 0.5-3 s of pushes ran at 10-50% of the steady rate on the benchmark host (issue 17, session 39), which a
 * load measured from a warm start does not count against the platform's steady state.
 */
export async function measureWorkCost(
  processes: Record<string, number[]>,
  databaseUrl: string,
  options: { warmUp?: () => Promise<number> } = {},
): Promise<WorkCostMeter> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  const rowsBefore = await settledRowWrites(pool);
  const warmUpUnits = options.warmUp ? await options.warmUp() : 0;
  const cpu = measureCpu(processes);
  return {
    async finish(units, unitName) {
      const cost = cpu.finish(units, unitName);
      try {
        const written = writesBetween(rowsBefore, await settledRowWrites(pool));
        const unitsWritten = Math.max(units + warmUpUnits, 1);
        const rowWritesPerUnit =
          [...written.values()].reduce((sum, writes) => sum + writes, 0) / unitsWritten;
        return {
          ...cost,
          rowWritesPerUnit,
          writesByTable: describeWrites(written, unitsWritten),
          summary: `${cost.summary}, ${rowWritesPerUnit.toFixed(1)} row writes/${unitName}`,
        };
      } finally {
        await pool.end();
      }
    },
  };
}

/**
 * CPU milliseconds per second the processes spend with no work given (timers, polls, the broker's and
 * PostgreSQL's housekeeping), over `seconds`: the part of a per-unit figure that only shrinks with throughput.
 */
export async function idleCpuMsPerSecond(
  processes: Record<string, number[]>,
  seconds: number,
): Promise<number> {
  const before = totalTicks(processes);
  const startedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsedS = (Date.now() - startedAt) / 1000;
  return ((totalTicks(processes) - before) * 1000) / TICKS_PER_SECOND / elapsedS;
}

/**
 * `  of which idle: 128 ms cpu/s with no load = 0.13 ms/upsert at this rate; the rest, 1.69 ms/upsert, is the
 * upserts' own`: splits a measured per-unit CPU figure into the idle platform's share (`idleMsPerSecond` over
 * the `seconds` the load ran, spread over its `units`) and the work's own. At a low rate the idle share is a
 * large part of the figure without the work costing more.
 */
export function idleShare(
  cost: { cpuMsPerUnit: number },
  idle: { msPerSecond: number; seconds: number; units: number; unitName: string },
): string {
  const idlePerUnit = (idle.msPerSecond * idle.seconds) / Math.max(idle.units, 1);
  const unit = idle.unitName;
  return (
    `  of which idle: ${idle.msPerSecond.toFixed(0)} ms cpu/s with no load = ${idlePerUnit.toFixed(2)} ms/${unit} at this rate; ` +
    `the rest, ${(cost.cpuMsPerUnit - idlePerUnit).toFixed(2)} ms/${unit}, is the ${unit}s' own`
  );
}

/**
 * Waits until the processes fall quiet (under `quietMsPerSecond` of CPU for two half-second samples in a row,
 * at most `timeoutMs`): work that outlives the measured task, as events still queued for a consumer, then falls
 * inside a cost measured afterwards instead of being left out.
 */
export async function waitForQuiet(
  processes: Record<string, number[]>,
  { quietMsPerSecond = 250, timeoutMs = 120_000 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietSamples = 0;
  let last = totalTicks(processes);
  while (quietSamples < 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = totalTicks(processes);
    const msPerSecond = ((now - last) * 1000) / TICKS_PER_SECOND / 0.5;
    quietSamples = msPerSecond < quietMsPerSecond ? quietSamples + 1 : 0;
    last = now;
  }
}
