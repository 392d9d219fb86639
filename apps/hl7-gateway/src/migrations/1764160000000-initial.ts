import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1764160000000 implements MigrationInterface {
  readonly name = 'Initial1764160000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE hl7_gateway.hl7_connections (
        hospital_id uuid PRIMARY KEY,
        settings jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The journal of every HL7 exchange. A row is written before the query leaves, so a crash
    // mid-exchange still leaves a 'sent' row behind as evidence.
    await runner.query(`
      CREATE TABLE hl7_gateway.messages (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL,
        channel text NOT NULL,
        direction text NOT NULL,
        type text NOT NULL,
        control_id text,
        status text NOT NULL,
        error text,
        raw_out text,
        raw_in text,
        summary jsonb NOT NULL DEFAULT '{}',
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        duration_ms integer,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX messages_hospital_created ON hl7_gateway.messages (hospital_id, created_at DESC)`,
    );
    // The platform admin's log spans every hospital: newest first without a hospital filter.
    await runner.query(`CREATE INDEX messages_created ON hl7_gateway.messages (created_at DESC)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE hl7_gateway.messages`);
    await runner.query(`DROP TABLE hl7_gateway.hl7_connections`);
  }
}
