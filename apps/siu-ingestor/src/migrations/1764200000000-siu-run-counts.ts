import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run's counts on its row, changed in the same transactions as its messages' states: a report of a
 * 100,000-message run (polled while it runs) is read without counting its messages, and finishing a run
 * compares two numbers. Only failed messages are still listed per run, from a small partial index.
 */
export class SiuRunCounts1764200000000 implements MigrationInterface {
  readonly name = 'SiuRunCounts1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE siu_ingestor.siu_runs
        ADD COLUMN received integer NOT NULL DEFAULT 0,
        ADD COLUMN processed integer NOT NULL DEFAULT 0,
        ADD COLUMN failed integer NOT NULL DEFAULT 0,
        ADD COLUMN duplicate integer NOT NULL DEFAULT 0,
        ADD COLUMN patients_created integer NOT NULL DEFAULT 0,
        ADD COLUMN care_flows_started integer NOT NULL DEFAULT 0,
        ADD COLUMN care_flows_updated integer NOT NULL DEFAULT 0,
        ADD COLUMN care_flows_stopped integer NOT NULL DEFAULT 0`);
    await runner.query(`
      UPDATE siu_ingestor.siu_runs r SET received = c.received, processed = c.processed, failed = c.failed,
        duplicate = c.duplicate, patients_created = c.patients_created, care_flows_started = c.started,
        care_flows_updated = c.updated, care_flows_stopped = c.stopped
      FROM (
        SELECT run_id, count(*) AS received,
          count(*) FILTER (WHERE status IN ('processed', 'duplicate')) AS processed,
          count(*) FILTER (WHERE status = 'failed') AS failed,
          count(*) FILTER (WHERE status = 'duplicate') AS duplicate,
          count(*) FILTER (WHERE patient_created) AS patients_created,
          count(*) FILTER (WHERE care_flow_started) AS started,
          count(*) FILTER (WHERE care_flow_updated) AS updated,
          count(*) FILTER (WHERE care_flow_stopped) AS stopped
        FROM siu_ingestor.siu_messages WHERE run_id IS NOT NULL GROUP BY run_id
      ) c
      WHERE r.id = c.run_id`);
    await runner.query(`DROP INDEX siu_ingestor.siu_messages_run_status`);
    await runner.query(
      `CREATE INDEX siu_messages_run_failed ON siu_ingestor.siu_messages (run_id, seq) WHERE status = 'failed'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX siu_ingestor.siu_messages_run_failed`);
    await runner.query(`CREATE INDEX siu_messages_run_status ON siu_ingestor.siu_messages (run_id, status)`);
    await runner.query(`
      ALTER TABLE siu_ingestor.siu_runs DROP COLUMN received, DROP COLUMN processed, DROP COLUMN failed,
        DROP COLUMN duplicate, DROP COLUMN patients_created, DROP COLUMN care_flows_started,
        DROP COLUMN care_flows_updated, DROP COLUMN care_flows_stopped`);
  }
}
