import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One trace row per SIU message: the care-flow entries a message makes (started, updated, stopped) ride on its
 * row as `[{kind, summary}]`, read back as entries of their own with the row's time, channel, message and care
 * flow (PatientEventsRepository.page). They were a row each: up to one row write more per message (issue 17,
 * P2). A nullable column without a default is a catalogue change only: no table rewrite.
 */
export class PatientEventsMoreEntries1796280000001 implements MigrationInterface {
  readonly name = 'PatientEventsMoreEntries1796280000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE patient_import.patient_events ADD COLUMN more_entries jsonb`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE patient_import.patient_events DROP COLUMN more_entries`);
  }
}
