import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook subscriptions (secret sealed with SECRETS_KEY), one delivery per (subscription, source event)
 * and one row per attempt (the delivery log). `sequence` is the order deliveries of one ordering key
 * (a patient, an alert) were recorded in: a later one waits while an earlier one is pending.
 */
export class Webhooks1796228439410 implements MigrationInterface {
  readonly name = 'Webhooks1796228439410';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE notifier.webhook_subscriptions (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL,
        url text NOT NULL,
        events text[] NOT NULL,
        include_phi boolean NOT NULL DEFAULT false,
        secret jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await runner.query(
      `CREATE INDEX webhook_subscriptions_hospital ON notifier.webhook_subscriptions (hospital_id) WHERE deleted_at IS NULL`,
    );
    await runner.query(`
      CREATE TABLE notifier.webhook_deliveries (
        id uuid PRIMARY KEY,
        sequence bigint GENERATED ALWAYS AS IDENTITY,
        subscription_id uuid NOT NULL REFERENCES notifier.webhook_subscriptions (id),
        hospital_id uuid NOT NULL,
        source_message_id text NOT NULL,
        event_type text NOT NULL,
        ordering_key text NOT NULL,
        data jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        give_up_at timestamptz NOT NULL,
        claimed_until timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_deliveries_once UNIQUE (subscription_id, source_message_id)
      )`);
    await runner.query(
      `CREATE INDEX webhook_deliveries_due ON notifier.webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
    );
    await runner.query(
      `CREATE INDEX webhook_deliveries_pending_order ON notifier.webhook_deliveries (subscription_id, ordering_key, sequence)
       WHERE status = 'pending'`,
    );
    await runner.query(
      `CREATE INDEX webhook_deliveries_log ON notifier.webhook_deliveries (subscription_id, sequence DESC)`,
    );
    await runner.query(`
      CREATE TABLE notifier.webhook_attempts (
        delivery_id uuid NOT NULL REFERENCES notifier.webhook_deliveries (id),
        attempt integer NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        duration_ms integer NOT NULL,
        response_status integer,
        response_excerpt text,
        error text,
        PRIMARY KEY (delivery_id, attempt)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE notifier.webhook_attempts`);
    await runner.query(`DROP TABLE notifier.webhook_deliveries`);
    await runner.query(`DROP TABLE notifier.webhook_subscriptions`);
  }
}
