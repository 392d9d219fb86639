import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook order per patient across event types (apps/notifier/README.md). Patient and care-flow events arrive on
 * two queues; each carries its place in the patient's order. A delivery remembers its event's position and
 * predecessor, and waits (until `hold_until` at most) for the predecessor to be recorded in
 * `webhook_patient_positions`, which lists the positions of the events a hospital with webhooks sent us.
 */
export class WebhookPatientOrder1796250000000 implements MigrationInterface {
  readonly name = 'WebhookPatientOrder1796250000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE notifier.webhook_deliveries
        ADD COLUMN patient_position bigint,
        ADD COLUMN previous_patient_position bigint,
        ADD COLUMN hold_until timestamptz`);
    await runner.query(`
      CREATE TABLE notifier.webhook_patient_positions (
        hospital_id uuid NOT NULL,
        position bigint NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (hospital_id, position)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE notifier.webhook_patient_positions`);
    await runner.query(`
      ALTER TABLE notifier.webhook_deliveries
        DROP COLUMN patient_position, DROP COLUMN previous_patient_position, DROP COLUMN hold_until`);
  }
}
