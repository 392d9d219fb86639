const RELAXED_COMMIT = 'relaxed_commit';
const READS_RELAXED_COMMIT = new RegExp(`\\bFROM\\s+${RELAXED_COMMIT}\\b`, 'i');

/**
 * Runs one write statement on its own (autocommit: pass a DataSource, never a transaction's manager,
 * whose whole commit the setting would relax) with a COMMIT that does not wait for the WAL to reach the
 * disk: `synchronous_commit = off` for that one transaction. The rows are committed and visible at once
 * and survive the death of the process that wrote them; only a crash of PostgreSQL itself within about
 * 3 x wal_writer_delay (0.6 s by default) can lose them. Worth it for a record such as the journal of an
 * exchange or a short-lived session the caller can recreate; never for application state, an
 * acknowledgement or an audit trail. A disk flush costs 3-10 ms on a shared machine, more than a whole
 * pull-import lookup may add (P3).
 *
 * The setting travels in a CTE of the statement itself, so the write stays one round trip (BEGIN, SET
 * LOCAL, the write and COMMIT took four, each waiting its turn on a loaded machine). The statement must
 * read the CTE, or PostgreSQL never evaluates it: `INSERT ... SELECT $1, ... FROM relaxed_commit`,
 * `UPDATE ... FROM relaxed_commit WHERE ...`.
 */
export async function writeWithoutFlushWait<T = unknown>(
  dataSource: { query(statement: string, parameters: unknown[]): Promise<unknown> },
  statement: string,
  parameters: readonly unknown[],
): Promise<T> {
  if (!READS_RELAXED_COMMIT.test(statement)) {
    throw new Error(`writeWithoutFlushWait: the statement must read FROM ${RELAXED_COMMIT}`);
  }
  return (await dataSource.query(
    `WITH ${RELAXED_COMMIT} AS (SELECT set_config('synchronous_commit', 'off', true)) ${statement}`,
    [...parameters],
  )) as T;
}
