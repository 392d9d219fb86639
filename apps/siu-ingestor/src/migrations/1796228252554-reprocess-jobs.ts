import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bulk reprocess jobs (PRODUCT.md "Bulk reprocess"). A job's items are the messages that matched when it
 * started; workers of any instance take pending items with `FOR UPDATE SKIP LOCKED` and replay each in
 * the transaction that marks it, so a crash leaves it pending (resumable) and never replays it twice.
 * One running job per (hospital, filter): a second start of the same filter gets the same job.
 */
export class ReprocessJobs1796228252554 implements MigrationInterface {
  readonly name = 'ReprocessJobs1796228252554';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE siu_ingestor.reprocess_jobs (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL,
        filter jsonb NOT NULL,
        filter_key text NOT NULL,
        state text NOT NULL DEFAULT 'running',
        total integer NOT NULL DEFAULT 0,
        done integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX reprocess_jobs_one_running ON siu_ingestor.reprocess_jobs (hospital_id, filter_key) WHERE state = 'running'`,
    );
    await runner.query(`
      CREATE TABLE siu_ingestor.reprocess_job_items (
        job_id uuid NOT NULL REFERENCES siu_ingestor.reprocess_jobs (id) ON DELETE CASCADE,
        message_id uuid NOT NULL,
        state text NOT NULL DEFAULT 'pending',
        PRIMARY KEY (job_id, message_id)
      )`);
    await runner.query(
      `CREATE INDEX reprocess_job_items_pending ON siu_ingestor.reprocess_job_items (job_id) WHERE state = 'pending'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE siu_ingestor.reprocess_job_items`);
    await runner.query(`DROP TABLE siu_ingestor.reprocess_jobs`);
  }
}
