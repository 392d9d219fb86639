import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert rules (one document per hospital), the alerts they open and resolve, and the journal of the
 * `alerts.alert.changed.v1` events handed to the outbox. The partial unique index is what makes "open
 * once" hold across instances; the journal's unique (alert, state) makes "one event per change" hold.
 */
export class Alerts1796228700000 implements MigrationInterface {
  readonly name = 'Alerts1796228700000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE notifier.alert_rules (
        hospital_id uuid PRIMARY KEY,
        rules jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE notifier.alerts (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL,
        kind text NOT NULL,
        subject text NOT NULL DEFAULT '',
        state text NOT NULL CHECK (state IN ('open', 'resolved')),
        opened_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        detail text NOT NULL
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX alerts_one_open ON notifier.alerts (hospital_id, kind, subject) WHERE state = 'open'`,
    );
    await runner.query(`CREATE INDEX alerts_opened ON notifier.alerts (opened_at DESC)`);
    await runner.query(
      `CREATE INDEX alerts_hospital_opened ON notifier.alerts (hospital_id, opened_at DESC)`,
    );
    await runner.query(`
      CREATE TABLE notifier.alert_events (
        alert_id uuid NOT NULL REFERENCES notifier.alerts (id),
        state text NOT NULL,
        outbox_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (alert_id, state)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE notifier.alert_events`);
    await runner.query(`DROP TABLE notifier.alerts`);
    await runner.query(`DROP TABLE notifier.alert_rules`);
  }
}
