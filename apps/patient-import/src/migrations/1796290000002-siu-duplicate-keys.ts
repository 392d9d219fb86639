import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rule 27's claim moves into the transaction that applies a message (issue 17, P2): an applied SIU message's row
 * (`patient_events` with a `result`) also holds its (MSH-3, MSH-4, MSH-10) key as siu-ingestor's digest, unique
 * per hospital among applied messages. siu-ingestor wrote a claim row of its own per message before applying it
 * (`siu_processed_keys`, which now holds only the claims taken before this change and those of messages it
 * finishes itself). Messages applied before keep no key here: siu-ingestor still finds their claims there.
 */
export class SiuDuplicateKeys1796290000002 implements MigrationInterface {
  readonly name = 'SiuDuplicateKeys1796290000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE patient_import.patient_events ADD COLUMN duplicate_key text`);
    await runner.query(`
      CREATE UNIQUE INDEX patient_events_siu_duplicate_key ON patient_import.patient_events (hospital_id, duplicate_key)
      WHERE result IS NOT NULL AND duplicate_key IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX patient_import.patient_events_siu_duplicate_key`);
    await runner.query(`ALTER TABLE patient_import.patient_events DROP COLUMN duplicate_key`);
  }
}
