import type { DataSource } from 'typeorm';
import {
  DAY_MS,
  type JournalTable,
  ensureDayPartitions,
  listPartitions,
  startOfUtcDay,
} from './daily-partitions';

/** A day-partitioned journal and the columns that hold message bodies (raw bytes in and out). */
export interface RetainedJournal extends JournalTable {
  bodyColumns: string[];
  /** SQL on the row (alias `t`) for bodies still needed whatever their age, e.g. a message not yet processed. */
  bodyNeededWhile?: string;
  /**
   * Small unpartitioned tables of one narrow row per message (`hospital_id`, `created_at` no earlier than
   * its message's), e.g. dedupe receipts or outcomes: pruned with the messages' days, in batches of short DELETEs.
   */
  companionTables?: CompanionTable[];
}

/**
 * A companion table by name, or with `prunable`: SQL on the row (alias `t`) true of the rows retention may
 * remove (the others are kept whatever their age; an index on `created_at` with the same predicate keeps
 * retention's scan off them).
 */
export type CompanionTable = string | { table: string; prunable: string };

export interface RetentionDays {
  messageBodiesDays: number;
  messagesDays: number;
}

/** Each hospital's retention; hospitals without one follow `defaults`. */
export interface RetentionPolicy {
  defaults: RetentionDays;
  hospitals: ({ hospitalId: string } & RetentionDays)[];
}

export interface PruneReport {
  /** False when another instance held the journal's retention lock: nothing was done. */
  ran: boolean;
  partitionsDropped: number;
  /** Day partitions kept for some hospitals and rewritten without the rows or bodies of the others. */
  partitionsRewritten: number;
  rowsRemoved: number;
  bodiesRemoved: number;
  /** Days (`YYYY-MM-DD`) whose partition could not be made: their rows are in the default partition. */
  daysBlocked: string[];
}

/**
 * Retention of one journal, run by its owning service's scheduled job. One run at a time across instances:
 * a session advisory lock per journal (`pg_try_advisory_lock`), so a second instance skips rather than waits.
 *
 * A day partition is **dropped** when the day has passed the message retention of every hospital with rows
 * in it (drop: the disk is freed at once, no DELETE, no vacuum). When hospitals with different retention
 * share a day, the longest keeps the partition; the rows of the hospitals whose retention passed, and the
 * bodies of those whose body retention passed, are removed from that one day's partition and the partition
 * is rewritten compactly (`VACUUM FULL`, locking that day only), so their disk is freed too. The day is the
 * unit: a row goes at most one day later than its exact cutoff. Rows that fell into the default partition
 * (no day partition existed for them) are pruned row by row, as the default partition is normally empty.
 */
export async function pruneJournal(
  dataSource: DataSource,
  journal: RetainedJournal,
  policy: RetentionPolicy,
  now = new Date(),
): Promise<PruneReport> {
  const report: PruneReport = {
    ran: false,
    partitionsDropped: 0,
    partitionsRewritten: 0,
    rowsRemoved: 0,
    bodiesRemoved: 0,
    daysBlocked: [],
  };
  const runner = dataSource.createQueryRunner();
  const lockKey = `retention:${journal.schema}.${journal.table}`;
  try {
    const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
      lockKey,
    ])) as {
      locked: boolean;
    }[];
    if (!locked) return report;
    report.ran = true;
    try {
      report.daysBlocked = await ensureDayPartitions(runner, journal, now, now);
      const cutoffs = new Cutoffs(policy, now);
      const qualified = (name: string) => `${journal.schema}.${name}`;
      const expired: string[] = [];
      for (const partition of await listPartitions(runner, journal)) {
        const end = partition.day ? new Date(partition.day.getTime() + DAY_MS) : undefined;
        // Today and the days ahead are never touched (the shortest retention is one day).
        if (end && end.getTime() > startOfUtcDay(now).getTime()) continue;
        if (end && end.getTime() > now.getTime() - cutoffs.shortestBodiesDays * DAY_MS) continue;
        if (end && (await dayExpired(runner, qualified(partition.name), cutoffs, end))) {
          expired.push(qualified(partition.name));
          continue;
        }
        const changed = await pruneRows(runner, journal, qualified(partition.name), cutoffs, end);
        report.rowsRemoved += changed.rows;
        report.bodiesRemoved += changed.bodies;
        if (changed.rows + changed.bodies > 0) {
          await runner.query(`VACUUM FULL ${qualified(partition.name)}`);
          if (end) report.partitionsRewritten += 1;
        }
      }
      // Expired days go many per statement: each DROP of a partition takes the parent's lock and commits;
      // one statement per batch holds the lock once (inserts wait milliseconds) and commits once.
      for (let i = 0; i < expired.length; i += DROP_BATCH) {
        const batch = expired.slice(i, i + DROP_BATCH);
        await runner.query(`SET lock_timeout = '10s'`);
        await runner.query(`DROP TABLE ${batch.join(', ')}`);
        await runner.query(`RESET lock_timeout`);
        report.partitionsDropped += batch.length;
      }
      for (const companion of journal.companionTables ?? []) {
        const { table, prunable } =
          typeof companion === 'string' ? { table: companion, prunable: 'true' } : companion;
        report.rowsRemoved += await pruneCompanion(
          runner,
          `${journal.schema}.${table}`,
          prunable,
          policy,
          now,
        );
      }
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
    }
    return report;
  } finally {
    await runner.release();
  }
}

/**
 * Whether every row of a day partition is past its hospital's retention, looking at as little as it can:
 * past the longest retention there is, nothing is read; otherwise one EXISTS for a row whose hospital
 * still keeps the day (by the hospital index).
 */
async function dayExpired(
  runner: ReturnType<DataSource['createQueryRunner']>,
  partition: string,
  cutoffs: Cutoffs,
  end: Date,
): Promise<boolean> {
  const keeping = cutoffs.hospitalsKeeping(end);
  if (!cutoffs.defaultKeeps(end) && keeping.length === 0) return true;
  const rows = (
    cutoffs.defaultKeeps(end)
      ? await runner.query(`SELECT 1 FROM ${partition} WHERE hospital_id <> ALL($1::uuid[]) LIMIT 1`, [
          cutoffs.hospitalsExpired(end),
        ])
      : await runner.query(`SELECT 1 FROM ${partition} WHERE hospital_id = ANY($1::uuid[]) LIMIT 1`, [
          keeping,
        ])
  ) as unknown[];
  return rows.length === 0;
}

/** Removes, in one partition, the rows and bodies past their hospital's retention. */
async function pruneRows(
  runner: ReturnType<DataSource['createQueryRunner']>,
  journal: RetainedJournal,
  partition: string,
  cutoffs: Cutoffs,
  end: Date | undefined,
): Promise<{ rows: number; bodies: number }> {
  // A day partition is judged as a whole (its end against the cutoff); the default partition row by row.
  const olderThan = (cutoff: string) =>
    end ? `'${end.toISOString()}'::timestamptz <= ${cutoff}` : `t.created_at < ${cutoff}`;
  // $1 hospitals with a retention of their own, $2 their cutoffs, $3 the defaults' cutoff.
  const policyJoin = `LEFT JOIN unnest($1::uuid[], $2::timestamptz[]) AS c (hospital_id, cutoff) ON c.hospital_id = t.hospital_id`;
  const deleted: unknown = await runner.query(
    `DELETE FROM ${partition} WHERE ctid IN (
       SELECT t.ctid FROM ${partition} t ${policyJoin} WHERE ${olderThan('COALESCE(c.cutoff, $3::timestamptz)')})`,
    cutoffs.parameters('messages'),
  );
  const anyBody = journal.bodyColumns.map((column) => `t.${column} IS NOT NULL`).join(' OR ');
  const stripped: unknown = await runner.query(
    `UPDATE ${partition} SET ${journal.bodyColumns.map((column) => `${column} = NULL`).join(', ')}
     WHERE ctid IN (
       SELECT t.ctid FROM ${partition} t ${policyJoin}
       WHERE ${olderThan('COALESCE(c.cutoff, $3::timestamptz)')} AND (${anyBody})
         ${journal.bodyNeededWhile ? `AND NOT (${journal.bodyNeededWhile})` : ''})`,
    cutoffs.parameters('bodies'),
  );
  return { rows: affected(deleted), bodies: affected(stripped) };
}

const COMPANION_BATCH = 5000;
const DROP_BATCH = 50;

async function pruneCompanion(
  runner: ReturnType<DataSource['createQueryRunner']>,
  table: string,
  prunable: string,
  policy: RetentionPolicy,
  now: Date,
): Promise<number> {
  // At the start of the cutoff's day: a companion row goes with (never before) its message's day partition,
  // so a message is never left without, say, its outcome row.
  const cutoff = (days: number) => startOfUtcDay(new Date(now.getTime() - days * DAY_MS)).toISOString();
  let removed = 0;
  for (;;) {
    const result: unknown = await runner.query(
      `DELETE FROM ${table} WHERE ctid IN (
         SELECT t.ctid FROM ${table} t
         LEFT JOIN unnest($1::uuid[], $2::timestamptz[]) AS c (hospital_id, cutoff) ON c.hospital_id = t.hospital_id
         WHERE t.created_at < COALESCE(c.cutoff, $3::timestamptz) AND ${prunable} LIMIT ${COMPANION_BATCH})`,
      [
        policy.hospitals.map((h) => h.hospitalId),
        policy.hospitals.map((h) => cutoff(h.messagesDays)),
        cutoff(policy.defaults.messagesDays),
      ],
    );
    removed += affected(result);
    if (affected(result) < COMPANION_BATCH) return removed;
  }
}

/** TypeORM answers `[rows, affected]` for DELETE/UPDATE on PostgreSQL. */
function affected(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}

class Cutoffs {
  readonly shortestBodiesDays: number;
  private readonly byHospital: Map<string, RetentionDays>;

  constructor(
    private readonly policy: RetentionPolicy,
    private readonly now: Date,
  ) {
    this.byHospital = new Map(policy.hospitals.map((h) => [h.hospitalId, h]));
    this.shortestBodiesDays = Math.min(
      policy.defaults.messageBodiesDays,
      ...policy.hospitals.map((h) => Math.min(h.messageBodiesDays, h.messagesDays)),
    );
  }

  /** Rows of this hospital created before this instant (ms) are past retention. */
  messages(hospitalId: string): number {
    return this.messagesOf(this.byHospital.get(hospitalId) ?? this.policy.defaults);
  }

  /** Whether hospitals without a retention of their own still keep a day ending at `end`. */
  defaultKeeps(end: Date): boolean {
    return this.messagesOf(this.policy.defaults) < end.getTime();
  }

  /** Hospitals with a retention of their own that still keep a day ending at `end`. */
  hospitalsKeeping(end: Date): string[] {
    return this.policy.hospitals.filter((h) => this.messagesOf(h) < end.getTime()).map((h) => h.hospitalId);
  }

  hospitalsExpired(end: Date): string[] {
    return this.policy.hospitals.filter((h) => this.messagesOf(h) >= end.getTime()).map((h) => h.hospitalId);
  }

  /** Hospitals with a retention of their own, their cutoffs, the defaults' cutoff (ISO instants). */
  parameters(of: 'messages' | 'bodies'): [string[], string[], string] {
    const cutoff = (days: RetentionDays) =>
      new Date(of === 'messages' ? this.messagesOf(days) : this.bodiesOf(days)).toISOString();
    return [
      this.policy.hospitals.map((h) => h.hospitalId),
      this.policy.hospitals.map(cutoff),
      cutoff(this.policy.defaults),
    ];
  }

  private messagesOf(days: RetentionDays): number {
    return this.now.getTime() - days.messagesDays * DAY_MS;
  }

  private bodiesOf(days: RetentionDays): number {
    return this.now.getTime() - Math.min(days.messageBodiesDays, days.messagesDays) * DAY_MS;
  }
}
