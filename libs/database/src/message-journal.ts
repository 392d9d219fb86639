import type { ListMessagesRequestV1, MessageViewV1 } from '@bridge/contracts';
import type { DataSource } from 'typeorm';
import {
  DAY_MS,
  defaultPartitionName,
  partitionDay,
  type JournalTable,
  type Sql,
} from './retention/daily-partitions';
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

/**
 * Where `append` wrote a row: its `created_at` exactly as PostgreSQL wrote it (text: a Date would lose the
 * microseconds) and the partition that took it (`<table>_pYYYYMMDD` or `<table>_default`, no schema).
 */
export interface WrittenRow {
  createdAt: string;
  partition?: string;
}

/** A journal row to change: its hospital and id, and where `append` wrote it when known. */
export interface JournalRow extends Partial<WrittenRow> {
  hospitalId: string;
  id: string;
  /**
   * Without `createdAt`: a moment the row was written shortly before (within JOURNAL_ROW_WINDOW_MS), such as
   * the time the session its exchange led to was stored. It keeps the statement to one or two day partitions.
   */
  writtenBy?: Date;
}

/** How long before `JournalRow.writtenBy` its row may have been written: a day. */
export const JOURNAL_ROW_WINDOW_MS = DAY_MS;

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
   * The row's place as `update` uses it. The partition's name goes into SQL, so only a name this journal's
   * partitions can have is kept (daily-partitions.ts); anything else leaves `update` on the parent table.
   */
  private writtenRow(row: WrittenRowColumns): WrittenRow {
    const name = row.partition.startsWith(`${this.journal.schema}.`)
      ? row.partition.slice(this.journal.schema.length + 1)
      : row.partition;
    const ours =
      name === defaultPartitionName(this.journal) || partitionDay(this.journal, name) !== undefined;
    return ours ? { createdAt: row.created_at, partition: name } : { createdAt: row.created_at };
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
   * Answers where the row went, for `update` to change it in its partition alone.
   */
  async append(columns: Record<string, unknown>, sql: Sql = this.dataSource): Promise<WrittenRow> {
    const names = Object.keys(columns);
    const [row] = (await sql.query(
      `INSERT INTO ${this.qualified} (${names.join(', ')})
       VALUES (${names.map((_, index) => `$${index + 1}`).join(', ')})
       RETURNING ${WRITTEN_ROW}`,
      names.map((name) => storable(columns[name])),
    )) as WrittenRowColumns[];
    return this.writtenRow(row);
  }

  /**
   * `append` for many rows in one statement, each written only while `condition` holds for it: an SQL
   * boolean over `r` (the row's columns, typed as the table's) and `entry->>'check'` (the row's `check`: a
   * value the condition compares, such as a version), read under the write's snapshot. Rows travel as one
   * JSON parameter (dates as ISO text, objects as JSON) typed by the table's own row type, so one statement
   * serves any number of rows. Answers where each row went (see `append`), in the rows' order, or
   * undefined for a row it did not write.
   */
  async appendEachIf(
    rows: { columns: Record<string, unknown> & { id: string }; check: unknown }[],
    condition: string,
  ): Promise<(WrittenRow | undefined)[]> {
    const names = Object.keys(rows[0].columns);
    const written = await this.dataSource.query<(WrittenRowColumns & { id: string })[]>(
      `INSERT INTO ${this.qualified} (${names.join(', ')})
       SELECT ${names.map((name) => `r.${name}`).join(', ')}
       FROM jsonb_array_elements($1::jsonb) AS entry,
            jsonb_populate_record(NULL::${this.qualified}, entry->'columns') AS r
       WHERE ${condition}
       RETURNING id, ${WRITTEN_ROW}`,
      [JSON.stringify(rows)],
    );
    const byId = new Map(written.map((row) => [row.id, this.writtenRow(row)]));
    return rows.map((row) => byId.get(row.columns.id));
  }

  /**
   * Changes `columns` (as in `append`) on the row of that hospital and id, and the touched column: how an
   * exchange ended, the patient it led to. In the caller's transaction when `sql` is its EntityManager.
   * Where `append` wrote the row takes the statement straight to its partition. Through the parent,
   * PostgreSQL plans the statement on every call, even prepared, as it picks the partition while planning
   * (0.12-0.17 ms under the P3 load, beside 0.07-0.1 ms for the change); on the partition the prepared plan
   * serves every call (issue 17, session 32). With neither `createdAt` nor `writtenBy` the UPDATE opens
   * every day partition and its indexes (with 90 days kept, 3 ms of planning and 2 ms of probes).
   */
  async update(row: JournalRow, columns: Record<string, unknown>, sql: Sql = this.dataSource): Promise<void> {
    const names = Object.keys(columns);
    const assignments = names.map((name, index) => `${name} = $${index + 3}`);
    if (this.journal.touchedColumn) assignments.push(`${this.journal.touchedColumn} = now()`);
    const values: unknown[] = [row.hospitalId, row.id, ...names.map((name) => storable(columns[name]))];
    let when = '';
    if (row.createdAt) {
      values.push(row.createdAt);
      when = ` AND created_at = $${values.length}::timestamptz`;
    } else if (row.writtenBy) {
      // Bounds as values, not as arithmetic in SQL: PostgreSQL picks partitions while planning from constants
      // only (timestamptz - interval is not one). A second after: `writtenBy` may be cut to the millisecond.
      values.push(
        new Date(row.writtenBy.getTime() - JOURNAL_ROW_WINDOW_MS),
        new Date(row.writtenBy.getTime() + 1000),
      );
      when = ` AND created_at > $${values.length - 1} AND created_at <= $${values.length}`;
    }
    const table = row.partition ? `${this.journal.schema}.${row.partition}` : this.qualified;
    await sql.query(
      `UPDATE ${table} SET ${assignments.join(', ')}
       WHERE hospital_id = $1 AND id = $2${when}`,
      values,
    );
  }

  /**
   * `update` for many rows in one statement: each row's `columns` (the same names for every row, given as
   * in `appendEachIf`) set on the row of its hospital, id and `createdAt`, which every row must know: they
   * name the day partitions, so the statement opens only those (as `update` does with one).
   */
  async updateEach(
    changes: { row: JournalRow & { createdAt: string }; columns: Record<string, unknown> }[],
  ): Promise<void> {
    // One change (every lookup of a quiet hospital) as `update` does it, on its partition with a plan made
    // once. The join below is planned on every call (0.13-0.2 ms), worth it only for a batch.
    if (changes.length === 1) return this.update(changes[0].row, changes[0].columns);
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

/** What an INSERT returns for `writtenRow`: the partition as PostgreSQL names it (with its schema unless on the search path). */
const WRITTEN_ROW = `created_at::text AS created_at, tableoid::regclass::text AS partition`;

interface WrittenRowColumns {
  created_at: string;
  partition: string;
}

/** A value as a query parameter: objects (summaries) as JSON, undefined as NULL, the rest as they are. */
function storable(value: unknown): unknown {
  if (value === undefined) return null;
  return value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)
    ? JSON.stringify(value)
    : value;
}
