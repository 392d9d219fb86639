import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox and inbox tables every service keeps in its own schema. Returned as a class so each
 * service lists it among its own committed migrations. `traceparent` is here for new schemas (a service
 * that lists only this migration still gets it); schemas made before it get it from
 * outboxTraceparentMigration, which adds it only where it is missing.
 */
export function messagingTablesMigration(schema: string): new () => MigrationInterface {
  const name = `MessagingTables1764133200000`;
  return class implements MigrationInterface {
    readonly name = name;

    async up(runner: QueryRunner): Promise<void> {
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
        CREATE TABLE "${schema}".inbox (
          consumer text NOT NULL,
          message_id text NOT NULL,
          processed_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (consumer, message_id)
        )`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE "${schema}".inbox`);
      await runner.query(`DROP TABLE "${schema}".outbox`);
    }
  };
}
