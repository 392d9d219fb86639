import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An SIU message that acts on an appointment is claimed by its row in `appointment_messages` (already unique
 * per hospital and message) and keeps its result there (issue 17, P2: one write per applied message instead
 * of a claim row, a result update and a history row). Messages that act on no appointment, and every message
 * applied before this migration, keep their result in `applied_siu_messages`.
 */
export class AppointmentMessageResults1796250000001 implements MigrationInterface {
  readonly name = 'AppointmentMessageResults1796250000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE patient_import.appointment_messages ADD COLUMN result jsonb`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE patient_import.appointment_messages DROP COLUMN result`);
  }
}
