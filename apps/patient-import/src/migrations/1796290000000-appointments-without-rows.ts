import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An appointment is its message history (`appointment_messages`) and the care flow it started, which already
 * names it (`care_flows.appointment_id`, unique per hospital); batches on one appointment are serialised by a
 * transaction-scoped advisory lock (AppointmentsRepository.lockBatch). The `appointments` row that was the
 * lock and a second copy of the link cost a row write per new appointment (issue 17, P2): gone.
 *
 * A care flow linked only from its appointment row (none are expected: SIU care flows are inserted naming
 * their appointment) is given the appointment's id first, unless another care flow already bears it.
 */
export class AppointmentsWithoutRows1796290000000 implements MigrationInterface {
  readonly name = 'AppointmentsWithoutRows1796290000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      UPDATE patient_import.care_flows c SET appointment_id = a.appointment_id
      FROM patient_import.appointments a
      WHERE a.care_flow_id = c.id AND a.hospital_id = c.hospital_id AND c.appointment_id IS NULL
        AND NOT EXISTS (
          SELECT 1 FROM patient_import.care_flows other
          WHERE other.hospital_id = a.hospital_id AND other.appointment_id = a.appointment_id
        )`);
    await runner.query(`DROP TABLE patient_import.appointments`);
  }

  /** The rows again, from what they copied: each appointment's first message and the care flow naming it. */
  async down(runner: QueryRunner): Promise<void> {
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
      INSERT INTO patient_import.appointments (id, hospital_id, appointment_id, patient_id, care_flow_id, created_at)
      SELECT gen_random_uuid(), first.hospital_id, first.appointment_id, first.patient_id, c.id, first.created_at
      FROM (
        SELECT DISTINCT ON (hospital_id, appointment_id) hospital_id, appointment_id, patient_id, created_at
        FROM patient_import.appointment_messages ORDER BY hospital_id, appointment_id, sequence
      ) first
      LEFT JOIN patient_import.care_flows c
        ON c.hospital_id = first.hospital_id AND c.appointment_id = first.appointment_id`);
  }
}
