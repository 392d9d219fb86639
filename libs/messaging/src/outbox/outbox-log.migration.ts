import { convertToDailyPartitions } from '@bridge/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox becomes a log read with a cursor (see OutboxRelay): rows are written once and never deleted one
 * by one; whole day partitions go once relayed (outbox-partitions.ts). Each row records the transaction that
 * wrote it (`txid`) and its place in the log (`seq`); `outbox_relayed` holds how far the relay got (the
 * snapshot its last batch ended with, and its place in a batch in progress; see OutboxRelay). Rows pending
 * at the upgrade are copied in their old order and relayed first.
 */
export function outboxLogMigration(schema: string): new () => MigrationInterface {
  const name = `OutboxLog1796270000000`;
  const outbox = { schema, table: 'outbox' };
  return class implements MigrationInterface {
    readonly name = name;

    async up(runner: QueryRunner): Promise<void> {
      await convertToDailyPartitions(
        runner,
        outbox,
        async (qualified) => {
          await runner.query(`
            CREATE TABLE ${qualified} (
              id uuid NOT NULL,
              event text NOT NULL,
              payload jsonb NOT NULL,
              correlation_id text NOT NULL,
              traceparent text,
              created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
              txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
              seq bigserial NOT NULL
            ) PARTITION BY RANGE (created_at)`);
          await runner.query(`CREATE INDEX outbox_log_order ON ${qualified} (txid, seq)`);
        },
        'id, event, payload, correlation_id, traceparent, created_at',
        'created_at, id',
      );
      // Starts from a snapshot in which nothing is visible ('1:1:'), so every row is still to relay: the rows
      // copied above included. (This transaction's own snapshot would not do: PostgreSQL counts a
      // transaction's own id as visible to it once a later one has ended, and the copies would be skipped.)
      await runner.query(`
        CREATE TABLE "${schema}".outbox_relayed (
          singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
          relayed_upto pg_snapshot NOT NULL,
          batch_upto pg_snapshot,
          after_txid xid8 NOT NULL DEFAULT '0',
          after_seq bigint NOT NULL DEFAULT 0,
          relayed_at timestamptz
        )`);
      await runner.query(`INSERT INTO "${schema}".outbox_relayed (relayed_upto) VALUES ('1:1:')`);
    }

    /** Back to a plain table holding the rows not yet relayed. */
    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE "${schema}".outbox RENAME TO outbox_log`);
      await runner.query(`ALTER INDEX "${schema}".outbox_log_order RENAME TO outbox_log_order_old`);
      await runner.query(`
        CREATE TABLE "${schema}".outbox (
          id uuid PRIMARY KEY,
          event text NOT NULL,
          payload jsonb NOT NULL,
          correlation_id text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          attempts integer NOT NULL DEFAULT 0,
          last_error text,
          traceparent text
        )`);
      await runner.query(`CREATE INDEX outbox_created_at ON "${schema}".outbox (created_at)`);
      await runner.query(`
        INSERT INTO "${schema}".outbox (id, event, payload, correlation_id, created_at, traceparent)
        SELECT o.id, o.event, o.payload, o.correlation_id, o.created_at, o.traceparent
        FROM "${schema}".outbox_log o, "${schema}".outbox_relayed r
        WHERE NOT (pg_visible_in_snapshot(o.txid, r.relayed_upto)
          OR (r.batch_upto IS NOT NULL AND pg_visible_in_snapshot(o.txid, r.batch_upto)
              AND (o.txid, o.seq) <= (r.after_txid, r.after_seq)))`);
      await runner.query(`DROP TABLE "${schema}".outbox_log, "${schema}".outbox_relayed`);
    }
  };
}
