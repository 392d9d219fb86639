/**
 * Writing the patient trace (table `patient_import.patient_events`) inside the statements that change a
 * patient or a care flow: the trace row commits with the change and costs no round trip of its own.
 *
 * A trace row written with a platform event (`announced`) also gives that event its place in the patient's
 * order: its `seq` is the event's `patientPosition`, and the latest announced row of the patient before it
 * is the event's `previousPatientPosition`. Notifier holds a webhook delivery until its predecessor arrived
 * (apps/notifier/README.md), so rows without an event (login links, SIU message rows) must never be predecessors:
 * they are not announced. SIU batch events have no row of their own: the patient's last message row of the
 * batch carries the patient's latest event position (`event_position`, see BatchPositions.carry), and a
 * later event names it when it is the patient's latest. Both numbers come from the INSERT that writes the
 * row: no extra row write. Two transactions changing one patient at once may see the same predecessor: they
 * are concurrent, and their events have no order between them.
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

/** An event's place in its patient's order (optional fields of the patient and care-flow events). */
export interface PatientEventPosition {
  patientPosition: number;
  previousPatientPosition?: number;
}

/** Columns answered by an announced trace INSERT (see `traceOfChanged`). */
export interface PositionColumns {
  patient_position: string | null;
  previous_patient_position: string | null;
}

/**
 * The RETURNING of an announced trace INSERT (target aliased `traced_row`). The subquery reads the snapshot
 * the statement started with, so it never sees the rows this statement inserts, only earlier ones.
 */
const POSITION_RETURNING = `RETURNING traced_row.patient_id AS traced_patient_id, traced_row.seq AS patient_position,
      ${previousEventSql('traced_row.hospital_id', 'traced_row.patient_id')} AS previous_patient_position`;

/**
 * The patient's latest event as the statement's snapshot sees it (SQL expressions in): the greater of its
 * latest announced trace row and the latest SIU batch event a message row carries (`event_position`). Both
 * come from the trace's identity sequence, so the greater is the later. One pass over the patient's rows by
 * the `patient_events_patient` index (hospital, patient, ...), as with announced rows alone.
 */
function previousEventSql(hospitalId: string, patientId: string): string {
  return `(SELECT greatest(max(prior.seq) FILTER (WHERE prior.announced), max(prior.event_position))
        FROM patient_import.patient_events prior
        WHERE prior.hospital_id = ${hospitalId} AND prior.patient_id = ${patientId}
          AND (prior.announced OR prior.event_position IS NOT NULL))`;
}

/**
 * SIU batches write their events per care flow's final state, before the batch's per-message trace rows:
 * an event has no trace row of its own. It takes its position from the trace's identity sequence (a number,
 * no row), and names the previous event of its patient in this batch (`batch`: the statement's parameters
 * holding patient ids and their latest positions, see BatchPositions), else the patient's latest event
 * before the batch. The batch's trace rows then carry each patient's latest position (BatchPositions.carry),
 * so the patient's next event (a push, the next batch) names it. Select-list items (with a leading comma)
 * for the RETURNING of the statement whose rows are `row` (with `hospital_id` and the patient id column
 * `patientColumn`).
 */
export function batchPositionSql(
  row: string,
  patientColumn: string,
  batch?: { patientIds: string; positions: string },
): string {
  const inBatch = batch
    ? `(SELECT b.position FROM unnest(${batch.patientIds}::uuid[], ${batch.positions}::bigint[]) AS b (patient_id, position)
        WHERE b.patient_id = ${row}.${patientColumn})`
    : 'NULL::bigint';
  return `, nextval(pg_get_serial_sequence('patient_import.patient_events', 'seq')) AS patient_position,
    COALESCE(${inBatch}, ${previousEventSql(`${row}.hospital_id`, `${row}.${patientColumn}`)})
      AS previous_patient_position`;
}

/** The latest event position of each patient in an SIU batch, as its statements return them. */
export class BatchPositions {
  private readonly latest = new Map<string, string>();

  note(rows: { patient_id: string; patient_position: string }[]): void {
    for (const row of rows) {
      const known = this.latest.get(row.patient_id);
      if (known === undefined || BigInt(row.patient_position) > BigInt(known))
        this.latest.set(row.patient_id, row.patient_position);
    }
  }

  /** The two array parameters for `batchPositionSql`'s `batch`. */
  parameters(): [string[], string[]] {
    return [[...this.latest.keys()], [...this.latest.values()]];
  }

  /**
   * The batch's trace rows, the last row of each patient carrying the patient's latest event position
   * (`eventPosition`, column `event_position`): the patient's next event names it as its predecessor.
   * Carried by rows the batch writes anyway: no extra row write.
   */
  carry<Row extends { patientId: string; eventPosition?: string }>(rows: Row[]): Row[] {
    const lastRow = new Map<string, number>();
    rows.forEach((row, index) => lastRow.set(row.patientId, index));
    return rows.map((row, index) => {
      const position = this.latest.get(row.patientId);
      return lastRow.get(row.patientId) === index && position !== undefined
        ? { ...row, eventPosition: position }
        : row;
    });
  }
}

/**
 * An INSERT of one trace row per row of the CTE `changed` (or of `from`: `changed` joined to what else the
 * columns read). `announced`: the same statement (or transaction) writes the event of this change; the
 * INSERT then answers the row's position and predecessor.
 */
export function traceOfChanged(
  columns: TraceColumns,
  options: { announced?: boolean; from?: string } = {},
): string {
  return `INSERT INTO patient_import.patient_events AS traced_row
      (hospital_id, patient_id, kind, channel, message_id, care_flow_id, summary, announced)
    SELECT ${columns.hospitalId}, ${columns.patientId}, ${columns.kind}, ${columns.channel},
      ${columns.messageId ?? 'NULL'}::uuid, ${columns.careFlowId ?? 'NULL'}::uuid, ${columns.summary},
      ${options.announced ? 'true' : 'false'}
    FROM ${options.from ?? 'changed'}
    ${options.announced ? POSITION_RETURNING : ''}`;
}

/**
 * The two position fields of an event payload built in SQL (inside `json_build_object`), from the announced
 * trace INSERT named `source`; wrap the object in `json_strip_nulls` (a first event has no predecessor).
 */
export function positionPayloadSql(source: string): string {
  return `'patientPosition', ${source}.patient_position, 'previousPatientPosition', ${source}.previous_patient_position`;
}

/** The position of an event from an announced trace INSERT's row (bigints arrive as strings). */
export function positionOf(row: PositionColumns): PatientEventPosition | undefined {
  if (row.patient_position === null) return undefined;
  return {
    patientPosition: Number(row.patient_position),
    ...(row.previous_patient_position !== null
      ? { previousPatientPosition: Number(row.previous_patient_position) }
      : {}),
  };
}

/**
 * Wraps one data-modifying statement of ONE row (INSERT/UPDATE ... RETURNING) so that it also writes its
 * announced trace row. The answer is the statement's row (as a plain array: the wrapped statement is a
 * SELECT) with the trace row's `patient_position` and `previous_patient_position`, for the event the caller
 * writes next.
 */
export function withTrace(
  statement: { sql: string; parameters: unknown[] },
  columns: TraceColumns,
): { sql: string; parameters: unknown[] } {
  return {
    sql: `WITH changed AS (${statement.sql}), traced AS (${traceOfChanged(columns, { announced: true })})
      SELECT changed.*, traced.patient_position, traced.previous_patient_position
      FROM changed LEFT JOIN traced ON true`,
    parameters: statement.parameters,
  };
}
