import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each applied message once, with its result wherever it was kept (before results moved onto the history rows,
 * a message acting on an appointment kept it in applied_siu_messages). A subquery, not a temporary table: the
 * services' database roles may not create those.
 */
const APPLIED_SIU = `
  SELECT COALESCE(m.hospital_id, a.hospital_id) AS hospital_id, COALESCE(m.message_id, a.message_id) AS message_id,
    COALESCE(m.result, a.result) AS result, m.appointment_id, m.sequence, m.event, m.action, m.definition_key,
    COALESCE(m.patient_id, (a.result ->> 'patientId')::uuid) AS patient_id, m.physician_id, m.physician_code,
    m.baseline, COALESCE(m.created_at, a.created_at) AS created_at
  FROM patient_import.appointment_messages m
  FULL JOIN patient_import.applied_siu_messages a ON a.hospital_id = m.hospital_id AND a.message_id = m.message_id
  WHERE COALESCE(m.result, a.result) IS NOT NULL`;

/**
 * One row per applied SIU message (issue 17, P2): its patient-trace row in `patient_events` is also its claim
 * with its first result (rule 27 at patient-import's end: `result`, unique per hospital and message) and, when
 * it acts on an appointment, that appointment's history entry (`appointment_id`, `sequence`, `event`,
 * `action`, `definition_key`, `physician_*`, `baseline`). They were a trace row plus a row in
 * `appointment_messages` or `applied_siu_messages`: one row write more per message.
 *
 * A claim and an appointment's history are kept as long as the platform applies SIU messages (they were
 * never pruned), so these rows leave retention's pruning: the prunable index on `created_at` covers the other
 * rows only, and retention's scan never walks the kept ones (import-journal.ts). The existing claims and
 * histories move onto their messages' trace rows; a message whose trace row was already pruned gets one back,
 * rebuilt from its result.
 */
export class SiuMessageRows1796290000001 implements MigrationInterface {
  readonly name = 'SiuMessageRows1796290000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE patient_import.patient_events ADD COLUMN result jsonb, ADD COLUMN appointment_id text,
        ADD COLUMN sequence bigint, ADD COLUMN event text, ADD COLUMN action text, ADD COLUMN definition_key text,
        ADD COLUMN physician_id uuid, ADD COLUMN physician_code text, ADD COLUMN baseline jsonb`);
    // Onto the message's (first) trace row, found in one pass over the trace (message_id has no index of its
    // own: a lookup per message would read the table once each), then updated by its key.
    await runner.query(`
      UPDATE patient_import.patient_events e SET result = s.result, appointment_id = s.appointment_id,
        sequence = s.sequence, event = s.event, action = s.action, definition_key = s.definition_key,
        physician_id = s.physician_id, physician_code = s.physician_code, baseline = s.baseline
      FROM (
        SELECT DISTINCT ON (x.hospital_id, x.message_id) x.seq AS row_seq, applied.*
        FROM patient_import.patient_events x
        JOIN (${APPLIED_SIU}) applied ON applied.hospital_id = x.hospital_id AND applied.message_id = x.message_id
        WHERE x.kind = 'siu'
        ORDER BY x.hospital_id, x.message_id, x.seq
      ) s
      WHERE e.seq = s.row_seq`);
    await runner.query(`
      INSERT INTO patient_import.patient_events (hospital_id, patient_id, created_at, kind, message_id, care_flow_id,
        summary, more_entries, result, appointment_id, sequence, event, action, definition_key, physician_id,
        physician_code, baseline)
      SELECT s.hospital_id, s.patient_id, s.created_at, 'siu', s.message_id, (s.result ->> 'careFlowId')::uuid,
        'SIU ' || COALESCE(s.event, 'message') || ': patient '
          || CASE WHEN (s.result ->> 'patientCreated')::boolean THEN 'created' ELSE 'updated' END,
        NULLIF((
          SELECT COALESCE(jsonb_agg(jsonb_build_object('kind', 'careflow.' || change,
            'summary', 'Care flow ' || change || ' by SIU ' || COALESCE(s.event, 'message')) ORDER BY n), '[]')
          FROM (VALUES (1, 'started', 'careFlowStarted'), (2, 'updated', 'careFlowUpdated'),
                       (3, 'stopped', 'careFlowStopped')) AS c (n, change, flag)
          WHERE (s.result ->> c.flag)::boolean
        ), '[]'),
        s.result, s.appointment_id, s.sequence, s.event, s.action, s.definition_key, s.physician_id,
        s.physician_code, s.baseline
      FROM (${APPLIED_SIU}) s
      WHERE s.patient_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM patient_import.patient_events e
        WHERE e.hospital_id = s.hospital_id AND e.message_id = s.message_id AND e.result IS NOT NULL)
      ORDER BY s.created_at, s.sequence`);
    await runner.query(`
      CREATE UNIQUE INDEX patient_events_siu_claim ON patient_import.patient_events (hospital_id, message_id)
      WHERE result IS NOT NULL`);
    await runner.query(`
      CREATE INDEX patient_events_appointment ON patient_import.patient_events (hospital_id, appointment_id, sequence)
      WHERE appointment_id IS NOT NULL`);
    await runner.query(`DROP INDEX patient_import.patient_events_created`);
    await runner.query(`
      CREATE INDEX patient_events_prunable ON patient_import.patient_events (created_at) WHERE result IS NULL`);
    await runner.query(`DROP TABLE patient_import.appointment_messages, patient_import.applied_siu_messages`);
  }

  /** The two tables again, from the rows: histories to appointment_messages, the others' claims to applied_siu_messages. */
  async down(runner: QueryRunner): Promise<void> {
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
        result jsonb,
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
    await runner.query(`
      INSERT INTO patient_import.appointment_messages (hospital_id, message_id, appointment_id, sequence, event, action,
        definition_key, patient_id, physician_id, physician_code, baseline, created_at, result)
      SELECT hospital_id, message_id, appointment_id, sequence, event, action, definition_key, patient_id,
        physician_id, physician_code, baseline, created_at, result
      FROM patient_import.patient_events WHERE result IS NOT NULL AND appointment_id IS NOT NULL`);
    await runner.query(`
      INSERT INTO patient_import.applied_siu_messages (hospital_id, message_id, result, created_at)
      SELECT hospital_id, message_id, result, created_at
      FROM patient_import.patient_events WHERE result IS NOT NULL AND appointment_id IS NULL`);
    await runner.query(`DROP INDEX patient_import.patient_events_prunable`);
    await runner.query(`CREATE INDEX patient_events_created ON patient_import.patient_events (created_at)`);
    await runner.query(`DROP INDEX patient_import.patient_events_appointment`);
    await runner.query(`DROP INDEX patient_import.patient_events_siu_claim`);
    await runner.query(`
      ALTER TABLE patient_import.patient_events DROP COLUMN result, DROP COLUMN appointment_id, DROP COLUMN sequence,
        DROP COLUMN event, DROP COLUMN action, DROP COLUMN definition_key, DROP COLUMN physician_id,
        DROP COLUMN physician_code, DROP COLUMN baseline`);
  }
}
