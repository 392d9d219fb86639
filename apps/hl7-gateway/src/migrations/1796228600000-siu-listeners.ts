import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The real-time SIU listeners this service runs, one row per hospital, kept from siu-ingestor's
 * `siu.listener.changed.v1` events. `settings` is null when the hospital has no listener (the row stays,
 * with its version, so an older event cannot bring the listener back); the TLS key in it is sealed.
 */
export class SiuListeners1796228600000 implements MigrationInterface {
  readonly name = 'SiuListeners1796228600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE hl7_gateway.siu_listeners (
        hospital_id uuid PRIMARY KEY,
        settings jsonb,
        version bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE hl7_gateway.siu_listeners`);
  }
}
