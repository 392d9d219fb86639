import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SIU connections, runs, files and messages (ARCHITECTURE.md "SIU batch"). A message row is written with
 * its `siu.message.received.v1` outbox row in the file's transaction: committed before the file leaves the
 * source. `seq` is the rule-19 order (file name, then position), whatever order consumers take them in.
 */
export class Siu1764190000000 implements MigrationInterface {
  readonly name = 'Siu1764190000000';

  async up(runner: QueryRunner): Promise<void> {
    // settings holds the whole connection body, SFTP secrets included: they are needed to connect.
    await runner.query(`
      CREATE TABLE siu_ingestor.siu_connections (
        hospital_id uuid PRIMARY KEY,
        settings jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE siu_ingestor.siu_runs (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL,
        trigger text NOT NULL,
        scheduled_for timestamptz,
        status text NOT NULL,
        phase text NOT NULL,
        settings jsonb NOT NULL,
        error text,
        started_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        pending integer,
        progress_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    // One run at a time per hospital, across instances; one run per schedule tick, whichever instance wins.
    await runner.query(
      `CREATE UNIQUE INDEX siu_runs_one_running ON siu_ingestor.siu_runs (hospital_id) WHERE status = 'running'`,
    );
    await runner.query(
      `CREATE UNIQUE INDEX siu_runs_one_per_tick ON siu_ingestor.siu_runs (hospital_id, scheduled_for) WHERE scheduled_for IS NOT NULL`,
    );
    await runner.query(
      `CREATE INDEX siu_runs_hospital_started ON siu_ingestor.siu_runs (hospital_id, started_at DESC)`,
    );
    await runner.query(`
      CREATE TABLE siu_ingestor.siu_files (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL,
        run_id uuid NOT NULL REFERENCES siu_ingestor.siu_runs (id),
        name text NOT NULL,
        size bigint NOT NULL,
        sha256 text NOT NULL,
        messages integer NOT NULL,
        status text NOT NULL,
        archived_as text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX siu_files_run ON siu_ingestor.siu_files (run_id)`);
    await runner.query(
      `CREATE INDEX siu_files_left_at_source ON siu_ingestor.siu_files (hospital_id, name) WHERE status = 'stored'`,
    );
    await runner.query(`
      CREATE TABLE siu_ingestor.siu_run_failures (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES siu_ingestor.siu_runs (id),
        hospital_id uuid NOT NULL,
        file text NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX siu_run_failures_run ON siu_ingestor.siu_run_failures (run_id, id)`);
    await runner.query(`
      CREATE TABLE siu_ingestor.siu_messages (
        id uuid PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        hospital_id uuid NOT NULL,
        channel text NOT NULL,
        run_id uuid REFERENCES siu_ingestor.siu_runs (id),
        file_id uuid REFERENCES siu_ingestor.siu_files (id),
        position integer,
        external_id uuid,
        appointment_key text,
        type text NOT NULL,
        control_id text NOT NULL,
        sending_application text NOT NULL,
        sending_facility text NOT NULL,
        raw bytea NOT NULL,
        status text NOT NULL DEFAULT 'received',
        reason text,
        action text,
        patient_id uuid,
        care_flow_id uuid,
        patient_created boolean NOT NULL DEFAULT false,
        care_flow_started boolean NOT NULL DEFAULT false,
        care_flow_updated boolean NOT NULL DEFAULT false,
        care_flow_stopped boolean NOT NULL DEFAULT false,
        reprocessed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX siu_messages_run_status ON siu_ingestor.siu_messages (run_id, status)`);
    // The messages still waiting, by appointment: a consumer applies a message only after those before it.
    await runner.query(
      `CREATE INDEX siu_messages_waiting ON siu_ingestor.siu_messages (hospital_id, appointment_key, seq) WHERE status = 'received'`,
    );
    await runner.query(
      `CREATE INDEX siu_messages_created ON siu_ingestor.siu_messages (created_at DESC, id)`,
    );
    await runner.query(
      `CREATE INDEX siu_messages_hospital_created ON siu_ingestor.siu_messages (hospital_id, created_at DESC)`,
    );
    await runner.query(
      `CREATE UNIQUE INDEX siu_messages_external ON siu_ingestor.siu_messages (hospital_id, external_id) WHERE external_id IS NOT NULL`,
    );
    // Rule 27: the message that holds (MSH-3, MSH-4, MSH-10) first; any other one with the same key is a duplicate.
    await runner.query(`
      CREATE TABLE siu_ingestor.siu_processed_keys (
        hospital_id uuid NOT NULL,
        duplicate_key text NOT NULL,
        message_id uuid NOT NULL,
        PRIMARY KEY (hospital_id, duplicate_key)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'siu_processed_keys',
      'siu_messages',
      'siu_run_failures',
      'siu_files',
      'siu_runs',
      'siu_connections',
    ]) {
      await runner.query(`DROP TABLE siu_ingestor.${table}`);
    }
  }
}
