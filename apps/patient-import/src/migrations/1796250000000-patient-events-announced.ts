import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Marks the trace rows written in the same statement as a platform event (`patients.patient.upserted.v1`,
 * `careflows.careflow.changed.v1`): only those can be an event's predecessor (webhook order per patient,
 * apps/notifier/README.md). A column with a constant default is a catalogue change only: no table rewrite.
 */
export class PatientEventsAnnounced1796250000000 implements MigrationInterface {
  readonly name = 'PatientEventsAnnounced1796250000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE patient_import.patient_events ADD COLUMN announced boolean NOT NULL DEFAULT false`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE patient_import.patient_events DROP COLUMN announced`);
  }
}
