import type { ListMessagesRequestV1, MessageViewV1 } from '@bridge/contracts';
import type { DataSource } from 'typeorm';
import type { JournalTable, Sql } from './retention/daily-partitions';
import { MESSAGE_LOG_POSITION_COLUMN, messageLogConditions } from './sql-conditions';

/** Entries a message-log page holds when the request names no `limit`. */
export const MESSAGE_LOG_DEFAULT_LIMIT = 100;

/** A journal table as the message log reads it (HL7 exchanges, web-service exchanges, SIU messages). */
export interface MessageLogTable extends JournalTable {
  /** The columns the list selects; never a raw body. */
  logColumns: string;
  /** A journal whose rows all go one way has no direction column: a filter on the other finds nothing. */
  onlyDirection?: MessageViewV1['direction'];
  /** A column set to now() whenever a row changes (`updated_at`), if the journal keeps one. */
  touchedColumn?: string;
}

/** A journal row to change: its hospital and id, and its `created_at` as `append` answered it when known. */
export interface JournalRow {
  hospitalId: string;
  id: string;
  createdAt?: string;
}

/**
 * The code the three journals share: writing a row and changing it, the message-log list (the same
 * filters, newest first) and reading one row by id. Writes take the hospital id; reads serve the platform
 * admin's log, which spans hospitals, so there the hospital is an optional filter (the gateway lets only
 * `admin` tokens in). What differs per journal (its columns, how a row reads as a view) stays with its
 * repository.
 */
export class MessageJournal {
  private readonly qualified: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly journal: MessageLogTable,
  ) {
    this.qualified = `${journal.schema}.${journal.table}`;
  }

  /**
   * Newest first; `filters.limit` rows at most (else MESSAGE_LOG_DEFAULT_LIMIT), after `filters.after` (keyset
   * pagination); each row also carries `position_at`, where the next page starts.
   */
  async list<Row>(filters: ListMessagesRequestV1): Promise<Row[]> {
    const { onlyDirection } = this.journal;
    if (onlyDirection && filters.direction && filters.direction !== onlyDirection) return [];
    const conditions = messageLogConditions(onlyDirection ? { ...filters, direction: undefined } : filters);
    const limitParameter = conditions.parameter(filters.limit ?? MESSAGE_LOG_DEFAULT_LIMIT);
    return this.dataSource.query(
      `SELECT ${this.journal.logColumns}, ${MESSAGE_LOG_POSITION_COLUMN} FROM ${this.qualified} ${conditions.where()}
       ORDER BY created_at DESC, id DESC LIMIT ${limitParameter}`,
      conditions.parameters,
    );
  }

  /** One row by id, with the list's columns and `detailColumns` (the bodies, the summary). */
  async find<Row>(messageId: string, detailColumns: string): Promise<Row | undefined> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${this.journal.logColumns}, ${detailColumns} FROM ${this.qualified} WHERE id = $1`,
      [messageId],
    );
    return rows[0];
  }

  /**
   * Writes one row: `columns` maps column names to values (objects stored as JSON, undefined as NULL). In the
   * caller's transaction when `sql` is its EntityManager. Column names come from the repository's code.
   * Answers the row's `created_at` exactly as PostgreSQL wrote it (text: a Date would lose the microseconds),
   * for `update` to find the row in its day partition alone.
   */
  async append(columns: Record<string, unknown>, sql: Sql = this.dataSource): Promise<string> {
    const names = Object.keys(columns);
    const [row] = (await sql.query(
      `INSERT INTO ${this.qualified} (${names.join(', ')})
       VALUES (${names.map((_, index) => `$${index + 1}`).join(', ')})
       RETURNING created_at::text AS created_at`,
      names.map((name) => storable(columns[name])),
    )) as { created_at: string }[];
    return row.created_at;
  }

  /**
   * `append` for many rows in one statement, each written only while `condition` holds for it: an SQL
   * boolean over `r` (the row's columns, typed as the table's) and `entry->>'check'` (the row's `check`: a
   * value the condition compares, such as a version), read under the write's snapshot. Rows travel as one
   * JSON parameter (dates as ISO text, objects as JSON) typed by the table's own row type, so one statement
   * serves any number of rows. Answers each row's `created_at` (see `append`), in the rows' order, or
   * undefined for a row it did not write.
   */
  async appendEachIf(
    rows: { columns: Record<string, unknown> & { id: string }; check: unknown }[],
    condition: string,
  ): Promise<(string | undefined)[]> {
    const names = Object.keys(rows[0].columns);
    const written = await this.dataSource.query<{ id: string; created_at: string }[]>(
      `INSERT INTO ${this.qualified} (${names.join(', ')})
       SELECT ${names.map((name) => `r.${name}`).join(', ')}
       FROM jsonb_array_elements($1::jsonb) AS entry,
            jsonb_populate_record(NULL::${this.qualified}, entry->'columns') AS r
       WHERE ${condition}
       RETURNING id, created_at::text AS created_at`,
      [JSON.stringify(rows)],
    );
    const createdAt = new Map(written.map((row) => [row.id, row.created_at]));
    return rows.map((row) => createdAt.get(row.columns.id));
  }

  /**
   * Changes `columns` (as in `append`) on the row of that hospital and id, and the touched column: how an
   * exchange ended, the patient it led to. In the caller's transaction when `sql` is its EntityManager.
   * `row.createdAt` (from `append`) names the row's partition: without it the UPDATE opens every day
   * partition and its indexes, which cost more than the change itself.
   */
  async update(row: JournalRow, columns: Record<string, unknown>, sql: Sql = this.dataSource): Promise<void> {
    const names = Object.keys(columns);
    const assignments = names.map((name, index) => `${name} = $${index + 3}`);
    if (this.journal.touchedColumn) assignments.push(`${this.journal.touchedColumn} = now()`);
    const values = names.map((name) => storable(columns[name]));
    const inPartition = row.createdAt ? ` AND created_at = $${values.length + 3}::timestamptz` : '';
    await sql.query(
      `UPDATE ${this.qualified} SET ${assignments.join(', ')}
       WHERE hospital_id = $1 AND id = $2${inPartition}`,
      [row.hospitalId, row.id, ...values, ...(row.createdAt ? [row.createdAt] : [])],
    );
  }

  /**
   * `update` for many rows in one statement: each row's `columns` (the same names for every row, given as
   * in `appendEachIf`) set on the row of its hospital, id and `createdAt`, which every row must know: they
   * name the day partitions, so the statement opens only those (as `update` does with one).
   */
  async updateEach(
    changes: { row: Required<JournalRow>; columns: Record<string, unknown> }[],
  ): Promise<void> {
    const names = Object.keys(changes[0].columns);
    const assignments = names.map((name) => `${name} = r.${name}`);
    if (this.journal.touchedColumn) assignments.push(`${this.journal.touchedColumn} = now()`);
    const rows = changes.map(({ row, columns }) => ({
      ...columns,
      hospital_id: row.hospitalId,
      id: row.id,
      created_at: row.createdAt,
    }));
    await this.dataSource.query(
      `UPDATE ${this.qualified} AS m SET ${assignments.join(', ')}
       FROM jsonb_populate_recordset(NULL::${this.qualified}, $1::jsonb) AS r
       WHERE m.hospital_id = r.hospital_id AND m.id = r.id AND m.created_at = r.created_at
         AND m.created_at = ANY($2::timestamptz[])`,
      [JSON.stringify(rows), [...new Set(changes.map(({ row }) => row.createdAt))]],
    );
  }
}

/** A value as a query parameter: objects (summaries) as JSON, undefined as NULL, the rest as they are. */
function storable(value: unknown): unknown {
  if (value === undefined) return null;
  return value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)
    ? JSON.stringify(value)
    : value;
}
