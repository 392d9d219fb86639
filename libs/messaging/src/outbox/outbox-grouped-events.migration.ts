import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many events an outbox row holds: 1, or a grouped row's count (Outbox.withEvent's `grouped`). The relay
 * fills a page up to its event budget from this column alone; counting the events in the payload made it read
 * out every pending row's large payload for each page. Listed by each service after outboxLogMigration.
 * Before going down, let the relay drain the outbox: a relay from before grouped rows would publish a pending
 * grouped row as one event whose payload is the array.
 */
export function outboxGroupedEventsMigration(schema: string): new () => MigrationInterface {
  const name = `OutboxGroupedEvents1796280000000`;
  return class implements MigrationInterface {
    readonly name = name;

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE "${schema}".outbox ADD COLUMN events integer NOT NULL DEFAULT 1`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE "${schema}".outbox DROP COLUMN events`);
    }
  };
}
