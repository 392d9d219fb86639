import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1764150000000 implements MigrationInterface {
  readonly name = 'Initial1764150000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE patient_import.patients (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL,
        patient_code text NOT NULL,
        visit_number text,
        first_name text NOT NULL,
        last_name text NOT NULL,
        middle_name text,
        birth_date text,
        sex text NOT NULL DEFAULT 'unknown',
        email text,
        phone text,
        mobile_phone text,
        national_registry_number text,
        preferred_language text,
        address jsonb,
        identifiers jsonb NOT NULL DEFAULT '[]',
        source text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT patients_hospital_code UNIQUE (hospital_id, patient_code)
      )`);
    await runner.query(
      `CREATE INDEX patients_national_registry ON patient_import.patients (hospital_id, national_registry_number)`,
    );
    await runner.query(
      `CREATE INDEX patients_identifiers ON patient_import.patients USING gin (identifiers jsonb_path_ops)`,
    );
    await runner.query(`
      CREATE TABLE patient_import.care_flow_definitions (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL,
        key text NOT NULL,
        title text NOT NULL,
        baseline jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT care_flow_definitions_hospital_key UNIQUE (hospital_id, key)
      )`);
    await runner.query(`
      CREATE TABLE patient_import.care_flows (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL,
        patient_id uuid NOT NULL REFERENCES patient_import.patients (id),
        definition_key text NOT NULL,
        status text NOT NULL,
        physician_id uuid,
        physician_code text,
        baseline jsonb NOT NULL DEFAULT '{}',
        source_kind text NOT NULL,
        appointment_id text,
        message_id text,
        started_at timestamptz NOT NULL DEFAULT now(),
        stopped_at timestamptz,
        stop_reason text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX care_flows_patient ON patient_import.care_flows (patient_id)`);
    await runner.query(`CREATE UNIQUE INDEX care_flows_appointment ON patient_import.care_flows (hospital_id, appointment_id)
      WHERE appointment_id IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE patient_import.care_flows`);
    await runner.query(`DROP TABLE patient_import.care_flow_definitions`);
    await runner.query(`DROP TABLE patient_import.patients`);
  }
}
