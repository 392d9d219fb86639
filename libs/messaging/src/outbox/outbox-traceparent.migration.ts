import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C traceparent of the work that wrote an outbox row, so the relay publishes the event inside the
 * same trace (PRODUCT.md "Traces"). Nullable: rows written while tracing is off carry none. For schemas
 * whose outbox predates the column (messagingTablesMigration creates it now): listed by each service after it.
 */
export function outboxTraceparentMigration(schema: string): new () => MigrationInterface {
  const name = `OutboxTraceparent1796228458520`;
  return class implements MigrationInterface {
    readonly name = name;

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE "${schema}".outbox ADD COLUMN IF NOT EXISTS traceparent text`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE "${schema}".outbox DROP COLUMN traceparent`);
    }
  };
}
