import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Pull import: web-service connections, the per-hospital import source, import sessions, the web-service journal. */
export class PullImport1764160000000 implements MigrationInterface {
  readonly name = 'PullImport1764160000000';

  async up(runner: QueryRunner): Promise<void> {
    // settings holds the whole connection body, auth secrets included: they are needed to call the hospital.
    await runner.query(`
      CREATE TABLE patient_import.webservice_connections (
        hospital_id uuid PRIMARY KEY,
        flavor text NOT NULL,
        settings jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE patient_import.import_sources (
        hospital_id uuid PRIMARY KEY,
        source text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE patient_import.import_sessions (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL,
        requested_by text NOT NULL,
        source text NOT NULL,
        lookup_by text NOT NULL,
        candidates jsonb NOT NULL,
        message_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        confirmed_at timestamptz,
        physician_id uuid,
        patient_id uuid
      )`);
    await runner.query(
      `CREATE INDEX import_sessions_expiry ON patient_import.import_sessions (hospital_id, expires_at)`,
    );
    await runner.query(`
      CREATE TABLE patient_import.messages (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL,
        channel text NOT NULL,
        direction text NOT NULL,
        type text NOT NULL,
        status text NOT NULL,
        error text,
        raw_out text NOT NULL,
        raw_in text,
        http_status integer,
        summary jsonb,
        duration_ms integer,
        patient_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX messages_created ON patient_import.messages (created_at DESC, id)`);
    await runner.query(
      `CREATE INDEX messages_hospital_created ON patient_import.messages (hospital_id, created_at DESC)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE patient_import.messages`);
    await runner.query(`DROP TABLE patient_import.import_sessions`);
    await runner.query(`DROP TABLE patient_import.import_sources`);
    await runner.query(`DROP TABLE patient_import.webservice_connections`);
  }
}
