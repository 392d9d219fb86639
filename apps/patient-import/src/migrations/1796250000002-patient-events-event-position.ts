import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SIU batch events have no trace row of their own (they take a number from the trace's identity sequence):
 * the patient's last message row of a batch carries the patient's latest event position of the batch, so a
 * later event of the patient names it as its predecessor (webhook order per patient, apps/notifier/README.md).
 * A nullable column without a default is a catalogue change only: no table rewrite.
 */
export class PatientEventsEventPosition1796250000002 implements MigrationInterface {
  readonly name = 'PatientEventsEventPosition1796250000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE patient_import.patient_events ADD COLUMN event_position bigint`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE patient_import.patient_events DROP COLUMN event_position`);
  }
}
