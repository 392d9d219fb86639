import type { EntityManager, QueryRunner } from 'typeorm';

/**
 * Journals (the message log) are range-partitioned by `created_at`, one partition per UTC day, named
 * `<table>_pYYYYMMDD`, plus `<table>_default` that catches a row no day partition takes (so an insert never
 * fails if the job that creates partitions ahead has not run). Retention drops whole day partitions: the
 * disk is freed at once, without a DELETE.
 */
export interface JournalTable {
  schema: string;
  table: string;
}

/** Anything that can run SQL: a QueryRunner in a migration, a DataSource or EntityManager elsewhere. */
export type Sql = Pick<QueryRunner | EntityManager, 'query'>;

export const DAY_MS = 86_400_000;

/** Day partitions created ahead of today, so the default partition stays empty. */
export const PARTITIONS_AHEAD_DAYS = 7;

export function startOfUtcDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

/** `YYYY-MM-DD` of the UTC day `at` falls in. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function partitionName(journal: JournalTable, day: Date): string {
  return `${journal.table}_p${utcDay(day).replace(/-/g, '')}`;
}

export function defaultPartitionName(journal: JournalTable): string {
  return `${journal.table}_default`;
}

/** The day a partition holds, from its name; undefined for the default partition. */
export function partitionDay(journal: JournalTable, name: string): Date | undefined {
  const match = new RegExp(`^${journal.table}_p(\\d{4})(\\d{2})(\\d{2})$`).exec(name);
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
}

/**
 * Creates the day partition of `day` unless it exists. `blocked`: it cannot be made, because the default
 * partition holds rows of that day (none was made ahead for a while: a service down, or a retention pass
 * failing, for longer than PARTITIONS_AHEAD_DAYS). Such a day stays in the default partition, whose rows
 * retention prunes one by one, and the days after it are still made: failing instead stopped every later
 * day too, so every row from then on went to the default partition.
 */
export async function ensureDayPartition(
  sql: Sql,
  journal: JournalTable,
  day: Date,
): Promise<'created' | 'exists' | 'blocked'> {
  const from = startOfUtcDay(day);
  const to = new Date(from.getTime() + DAY_MS);
  const name = partitionName(journal, from);
  const existing = (await sql.query(
    `SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [journal.schema, name],
  )) as unknown[];
  if (existing.length > 0) return 'exists';
  // Looked at first rather than caught: a failed CREATE would abort the caller's transaction (a migration's).
  const inDefault = (await sql.query(
    `SELECT 1 FROM ${journal.schema}.${defaultPartitionName(journal)} WHERE created_at >= $1 AND created_at < $2 LIMIT 1`,
    [from, to],
  )) as unknown[];
  if (inDefault.length > 0) return 'blocked';
  await sql.query(
    `CREATE TABLE IF NOT EXISTS ${journal.schema}.${name} PARTITION OF ${journal.schema}.${journal.table}
     FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
  );
  return 'created';
}

/** Day partitions from `from` through `PARTITIONS_AHEAD_DAYS` after `now`; answers the days left blocked (`utcDay`). */
export async function ensureDayPartitions(
  sql: Sql,
  journal: JournalTable,
  from: Date,
  now = new Date(),
): Promise<string[]> {
  const blocked: string[] = [];
  const last = startOfUtcDay(now).getTime() + PARTITIONS_AHEAD_DAYS * DAY_MS;
  for (let day = startOfUtcDay(from).getTime(); day <= last; day += DAY_MS) {
    const at = new Date(day);
    if ((await ensureDayPartition(sql, journal, at)) === 'blocked') blocked.push(utcDay(at));
  }
  return blocked;
}

export interface PartitionInfo {
  name: string;
  /** Undefined for the default partition. */
  day?: Date;
}

export async function listPartitions(sql: Sql, journal: JournalTable): Promise<PartitionInfo[]> {
  const rows = (await sql.query(
    `SELECT c.relname AS name FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace
     WHERE n.nspname = $1 AND p.relname = $2 ORDER BY c.relname`,
    [journal.schema, journal.table],
  )) as { name: string }[];
  return rows.map((row) => {
    const day = partitionDay(journal, row.name);
    return day ? { name: row.name, day } : { name: row.name };
  });
}

/**
 * Migration step: turns an ordinary journal table into a partitioned one without losing a row. The old
 * table is renamed, the new one created by `createParent` (columns, keys, indexes on the parent, which
 * every partition inherits), day partitions made from the oldest row through the days ahead, the rows
 * copied, the old table dropped. Runs in the migration's transaction: all or nothing.
 */
export async function convertToDailyPartitions(
  runner: QueryRunner,
  journal: JournalTable,
  createParent: (qualifiedName: string) => Promise<void>,
  columns: string,
  /** The order rows are copied in, for a parent whose defaults number rows (e.g. a sequence). */
  orderBy?: string,
): Promise<void> {
  const qualified = `${journal.schema}.${journal.table}`;
  const old = `${journal.table}_unpartitioned`;
  await runner.query(`ALTER TABLE ${qualified} RENAME TO ${old}`);
  // Index and key names are unique per schema: the old table gives its up for the new parent.
  const constraints = (await runner.query(
    `SELECT conname AS name FROM pg_constraint WHERE conrelid = '${journal.schema}.${old}'::regclass AND contype IN ('p', 'u', 'f', 'x')`,
  )) as { name: string }[];
  for (const { name } of constraints)
    await runner.query(`ALTER TABLE ${journal.schema}.${old} DROP CONSTRAINT "${name}"`);
  const indexes = (await runner.query(
    `SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1 AND tablename = $2`,
    [journal.schema, old],
  )) as { name: string }[];
  for (const { name } of indexes) await runner.query(`DROP INDEX ${journal.schema}."${name}"`);
  await createParent(qualified);
  await runner.query(
    `CREATE TABLE ${journal.schema}.${defaultPartitionName(journal)} PARTITION OF ${qualified} DEFAULT`,
  );
  const [oldest] = (await runner.query(`SELECT min(created_at) AS oldest FROM ${journal.schema}.${old}`)) as {
    oldest: Date | null;
  }[];
  await ensureDayPartitions(runner, journal, oldest.oldest ?? new Date());
  await runner.query(
    `INSERT INTO ${qualified} (${columns}) SELECT ${columns} FROM ${journal.schema}.${old}${orderBy ? ` ORDER BY ${orderBy}` : ''}`,
  );
  await runner.query(`DROP TABLE ${journal.schema}.${old}`);
}
