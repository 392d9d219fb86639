import type {
  KeysetPositionV1,
  ListMessagesRequestV1,
  MessageLogEntryV1,
  MessageViewV1,
} from '@bridge/contracts';

/**
 * Builds a WHERE clause from optional filters with numbered parameters, so repositories with filter
 * forms write each condition once: `conditions.add('status = ?', filters.status)`.
 */
export class SqlConditions {
  readonly parameters: unknown[] = [];
  private readonly clauses: string[] = [];

  /** Adds `sql` (one `?` placeholder) when `value` is given; undefined, null and '' add nothing. */
  add(sql: string, value: unknown): this {
    if (value === undefined || value === null || value === '') return this;
    this.clauses.push(sql.replace('?', this.parameter(value)));
    return this;
  }

  /**
   * Rows strictly after `after` in `ORDER BY <timestampColumn> DESC, id DESC` (keyset pagination: no
   * OFFSET, and rows inserted meanwhile neither repeat nor skip rows on the next page).
   */
  after(timestampColumn: string, after: KeysetPositionV1 | undefined): this {
    if (!after) return this;
    const at = this.parameter(after.at);
    const id = this.parameter(after.id);
    this.clauses.push(`(${timestampColumn}, id) < (${at}::timestamptz, ${id}::uuid)`);
    return this;
  }

  /** The placeholder (`$n`) of one more parameter, e.g. for LIMIT. */
  parameter(value: unknown): string {
    this.parameters.push(value);
    return `$${this.parameters.length}`;
  }

  where(): string {
    return this.clauses.length > 0 ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/** The message-log filters every journal (HL7, web service, SIU) answers the same way. */
export function messageLogConditions(filters: ListMessagesRequestV1): SqlConditions {
  return new SqlConditions()
    .add('hospital_id = ?', filters.hospitalId)
    .add('channel = ?', filters.channel)
    .add('direction = ?', filters.direction)
    .add('type = ?', filters.type)
    .add('status = ?', filters.status)
    .add('created_at >= ?', filters.from)
    .add('created_at <= ?', filters.to)
    .after('created_at', filters.after);
}

/**
 * The SQL text of a timestamptz column as a KeysetPositionV1 `at`: UTC, six fraction digits, fixed
 * width, so positions compare as strings in the order PostgreSQL compares the timestamps.
 */
export function keysetAtSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** The list columns every journal selects for its place in the log (see MessageLogRow.position_at). */
export const MESSAGE_LOG_POSITION_COLUMN = `${keysetAtSql('created_at')} AS position_at`;

/** A journal row as the message-log list selects it; journals without control ids or patients omit them. */
export interface MessageLogRow {
  id: string;
  hospital_id: string;
  channel: MessageViewV1['channel'];
  direction: MessageViewV1['direction'];
  type: string;
  control_id?: string | null;
  status: MessageViewV1['status'];
  error: string | null;
  duration_ms: number | null;
  patient_id?: string | null;
  created_at: Date;
  /** created_at to the microsecond (MESSAGE_LOG_POSITION_COLUMN): where the next page starts. */
  position_at: string;
}

/** A journal's list entry: the view plus its keyset position, which the gateway turns into a cursor. */
export function toMessageLogEntry(row: MessageLogRow): MessageLogEntryV1 {
  return { ...toMessageView(row), position: { at: row.position_at, id: row.id } };
}

/** The one mapping from a journal row to the message-log view (absent values left out). */
export function toMessageView(row: Omit<MessageLogRow, 'position_at'>): MessageViewV1 {
  return {
    id: row.id,
    hospitalId: row.hospital_id,
    channel: row.channel,
    direction: row.direction,
    type: row.type,
    ...(row.control_id ? { controlId: row.control_id } : {}),
    status: row.status,
    ...(row.error !== null ? { error: row.error } : {}),
    createdAt: row.created_at.toISOString(),
    ...(row.duration_ms !== null ? { durationMs: row.duration_ms } : {}),
    ...(row.patient_id ? { patientId: row.patient_id } : {}),
  };
}
