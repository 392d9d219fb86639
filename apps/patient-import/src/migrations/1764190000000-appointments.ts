import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SIU appointments (HL7-RULES 25, 27): one row per (hospital, appointment id) that is the lock and the
 * link to its care flow, the messages applied to each appointment (replayed in sequence order, so the
 * result does not depend on the order competing consumers apply them in), and the results of applied
 * messages (a message applied again answers its first result).
 */
export class Appointments1764190000000 implements MigrationInterface {
  readonly name = 'Appointments1764190000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE patient_import.appointments (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL,
        appointment_id text NOT NULL,
        patient_id uuid NOT NULL REFERENCES patient_import.patients (id),
        care_flow_id uuid REFERENCES patient_import.care_flows (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT appointments_hospital_appointment UNIQUE (hospital_id, appointment_id)
      )`);
    await runner.query(`
      CREATE TABLE patient_import.appointment_messages (
        hospital_id uuid NOT NULL,
        message_id uuid NOT NULL,
        appointment_id text NOT NULL,
        sequence bigint NOT NULL,
        event text NOT NULL,
        action text NOT NULL,
        definition_key text,
        patient_id uuid NOT NULL,
        physician_id uuid,
        physician_code text,
        baseline jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (hospital_id, message_id)
      )`);
    await runner.query(
      `CREATE INDEX appointment_messages_appointment ON patient_import.appointment_messages (hospital_id, appointment_id, sequence)`,
    );
    await runner.query(`
      CREATE TABLE patient_import.applied_siu_messages (
        hospital_id uuid NOT NULL,
        message_id uuid NOT NULL,
        result jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (hospital_id, message_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE patient_import.applied_siu_messages`);
    await runner.query(`DROP TABLE patient_import.appointment_messages`);
    await runner.query(`DROP TABLE patient_import.appointments`);
  }
}
