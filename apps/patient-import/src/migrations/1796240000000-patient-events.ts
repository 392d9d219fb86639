import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The patient trace (PRODUCT.md "Patient trace"): one narrow row per thing that touched a patient — a push,
 * an import, an SIU message, a care-flow change, a login link — written in the same transaction (mostly the
 * same statement) as the change itself. Ids and a short text only. Pruned with the import journal by the
 * hospital's message retention (a companion table of IMPORT_JOURNAL).
 */
export class PatientEvents1796240000000 implements MigrationInterface {
  readonly name = 'PatientEvents1796240000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE patient_import.patient_events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        hospital_id uuid NOT NULL,
        patient_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        kind text NOT NULL,
        channel text,
        message_id uuid,
        care_flow_id uuid,
        summary text NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX patient_events_patient ON patient_import.patient_events (hospital_id, patient_id, created_at, seq)`,
    );
    // Retention deletes by age across hospitals.
    await runner.query(`CREATE INDEX patient_events_created ON patient_import.patient_events (created_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE patient_import.patient_events`);
  }
}
