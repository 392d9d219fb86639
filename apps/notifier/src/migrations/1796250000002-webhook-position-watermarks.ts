import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `webhook_patient_positions` is pruned (WebhookRetentionJob): each hospital keeps the highest position
 * pruned, its watermark, and a predecessor at or below it counts as arrived, so a patient's next event long
 * after the last one is not held for a position no longer listed.
 */
export class WebhookPositionWatermarks1796250000002 implements MigrationInterface {
  readonly name = 'WebhookPositionWatermarks1796250000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE notifier.webhook_position_watermarks (
        hospital_id uuid PRIMARY KEY,
        position bigint NOT NULL,
        pruned_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE notifier.webhook_position_watermarks`);
  }
}
