/**
 * Writing the patient trace (table `patient_import.patient_events`) inside the statements that change a
 * patient or a care flow: the trace row commits with the change and costs no round trip of its own.
 */

/** SQL expressions, on the rows of `changed` and the statement's parameters, for one trace row. */
export interface TraceColumns {
  hospitalId: string;
  patientId: string;
  kind: string;
  channel: string;
  messageId?: string;
  careFlowId?: string;
  summary: string;
}

/** An INSERT of one trace row per row of the CTE `changed`. */
export function traceOfChanged(columns: TraceColumns): string {
  return `INSERT INTO patient_import.patient_events
      (hospital_id, patient_id, kind, channel, message_id, care_flow_id, summary)
    SELECT ${columns.hospitalId}, ${columns.patientId}, ${columns.kind}, ${columns.channel},
      ${columns.messageId ?? 'NULL'}::uuid, ${columns.careFlowId ?? 'NULL'}::uuid, ${columns.summary}
    FROM changed`;
}

/**
 * Wraps one data-modifying statement (INSERT/UPDATE ... RETURNING) so that it also writes its trace rows.
 * The answer is the statement's own rows (as a plain array: the wrapped statement is a SELECT).
 */
export function withTrace(
  statement: { sql: string; parameters: unknown[] },
  columns: TraceColumns,
): { sql: string; parameters: unknown[] } {
  return {
    sql: `WITH changed AS (${statement.sql}), traced AS (${traceOfChanged(columns)}) SELECT * FROM changed`,
    parameters: statement.parameters,
  };
}
