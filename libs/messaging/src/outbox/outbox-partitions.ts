import {
  DAY_MS,
  defaultPartitionName,
  ensureDayPartition,
  listPartitions,
  type JournalTable,
} from '@bridge/database';
import type { DataSource, EntityManager } from 'typeorm';

/** Day partitions kept ready ahead of today: a row never lands in the default partition while the relay runs. */
const AHEAD_DAYS = 2;

/** How long a partition drop may wait for its lock before it gives up until the next pass. */
const LOCK_TIMEOUT = '2s';

export interface OutboxMaintenance {
  /** False when another instance was doing it: nothing was done. */
  ran: boolean;
  partitionsDropped: number;
  defaultRowsRemoved: number;
}

/**
 * SQL: row `o` of an outbox was published, by the relay's cursor (`outbox_relayed`, see OutboxRelay), whose
 * columns `cursor` names: the row's transaction was visible in the snapshot every batch so far ended with,
 * or it is in the batch in progress and at or before where that batch got to.
 */
export function relayedSql(cursor: (column: string) => string = (column) => `r.${column}`): string {
  return `(pg_visible_in_snapshot(o.txid, ${cursor('relayed_upto')})
    OR (${cursor('batch_upto')} IS NOT NULL AND pg_visible_in_snapshot(o.txid, ${cursor('batch_upto')})
        AND (o.txid, o.seq) <= (${cursor('after_txid')}, ${cursor('after_seq')})))`;
}

/**
 * SQL selecting `columns` (of `o`) from the committed rows of `table` (the outbox or one of its partitions)
 * not published yet. They all have a txid at or above the last batch snapshot's xmin: the index range. The
 * cursor is read by scalar subqueries, evaluated once before the scan, so that range bounds an index scan
 * (joined with the cursor row, PostgreSQL scanned the whole outbox).
 */
export function unrelayedSql(schema: string, columns: string, table = 'outbox'): string {
  const cursor = (column: string) => `(SELECT ${column} FROM "${schema}".outbox_relayed)`;
  return `SELECT ${columns} FROM "${schema}".${table} o
    WHERE o.txid >= pg_snapshot_xmin(${cursor('relayed_upto')}) AND NOT ${relayedSql(cursor)}`;
}

/**
 * Housekeeping of an outbox log (outbox-log.migration.ts), run by the relay now and then: makes the coming
 * days' partitions and drops the partitions of days that have ended once every row in them was relayed, so a
 * relayed row costs no write of its own (no DELETE, no vacuum). Rows that fell into the default partition
 * (only if no day partition existed for them) are deleted once relayed. One instance at a time per schema
 * (a session advisory lock), the others skip.
 */
export async function maintainOutbox(
  dataSource: DataSource,
  schema: string,
  now = new Date(),
): Promise<OutboxMaintenance> {
  const report: OutboxMaintenance = { ran: false, partitionsDropped: 0, defaultRowsRemoved: 0 };
  const outbox: JournalTable = { schema, table: 'outbox' };
  const runner = dataSource.createQueryRunner();
  try {
    const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
      `outbox-maintenance:${schema}`,
    ])) as { locked: boolean }[];
    if (!locked) return report;
    report.ran = true;
    try {
      // First: a day partition cannot be made while the default partition holds rows of its day.
      const removed = (await runner.query(
        `DELETE FROM "${schema}".${defaultPartitionName(outbox)} o USING "${schema}".outbox_relayed r
         WHERE ${relayedSql()}`,
      )) as [unknown[], number];
      report.defaultRowsRemoved = removed[1];
      for (let day = 0; day <= AHEAD_DAYS; day++) {
        // A day whose unrelayed rows sit in the default partition (the service was down past the days made
        // ahead) is left blocked: it goes on in the default partition until a later pass finds it relayed.
        await ensureDayPartition(runner, outbox, new Date(now.getTime() + day * DAY_MS));
      }
      for (const partition of await listPartitions(runner, outbox)) {
        if (partition.day && partition.day.getTime() + DAY_MS <= now.getTime()) {
          if (await dropIfRelayed(dataSource, schema, partition.name)) report.partitionsDropped++;
        }
      }
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`outbox-maintenance:${schema}`]);
    }
    return report;
  } finally {
    await runner.release();
  }
}

/**
 * Drops an ended day's partition if the relay has published all of it. Looked at first without a lock (a day
 * still being relayed is left at once); then, holding the whole outbox exclusively (parent before partition,
 * the order every insert and relay read takes, so no deadlock), every transaction that wrote into the
 * partition has ended and the check sees all its rows. Inserts wait a moment; a lock not had in time skips.
 */
async function dropIfRelayed(dataSource: DataSource, schema: string, partition: string): Promise<boolean> {
  const relayed = async (sql: DataSource | EntityManager): Promise<boolean> => {
    const [row] = await sql.query<{ relayed: boolean }[]>(
      `SELECT NOT EXISTS (${unrelayedSql(schema, '1', partition)}) AS relayed`,
    );
    return row?.relayed === true;
  };
  if (!(await relayed(dataSource))) return false;
  try {
    return await dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await manager.query(`LOCK TABLE "${schema}".outbox IN ACCESS EXCLUSIVE MODE`);
      if (!(await relayed(manager))) return false;
      await manager.query(`DROP TABLE "${schema}".${partition}`);
      return true;
    });
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') return false; // lock_not_available: next pass
    throw error;
  }
}
