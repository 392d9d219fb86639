import type { ListMessagesRequestV1, MessageViewV1 } from '@bridge/contracts';
import type { DataSource } from 'typeorm';
import type { JournalTable } from './retention/daily-partitions';
import { messageLogConditions } from './sql-conditions';

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
 * The code the three journals share: the message-log list (the same filters, newest first), reading one
 * row by id, and recording how an exchange ended. Writes take the hospital id; reads serve the platform
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

  /** Newest first; `limit` rows at most. */
  async list<Row>(filters: ListMessagesRequestV1, limit: number): Promise<Row[]> {
    const { onlyDirection } = this.journal;
    if (onlyDirection && filters.direction && filters.direction !== onlyDirection) return [];
    const conditions = messageLogConditions(onlyDirection ? { ...filters, direction: undefined } : filters);
    const limitParameter = conditions.parameter(limit);
    return this.dataSource.query(
      `SELECT ${this.journal.logColumns} FROM ${this.qualified} ${conditions.where()}
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
   * How an exchange ended: sets `columns` (column name -> value; objects are stored as JSON) on the row.
   * Column names come from the repository's code, never from input.
   */
  async finish(hospitalId: string, id: string, columns: Record<string, unknown>): Promise<void> {
    const names = Object.keys(columns);
    const assignments = names.map((name, index) => `${name} = $${index + 3}`);
    if (this.journal.touchedColumn) assignments.push(`${this.journal.touchedColumn} = now()`);
    const values = names.map((name) => {
      const value = columns[name];
      return value !== null && typeof value === 'object' && !(value instanceof Date)
        ? JSON.stringify(value)
        : (value ?? null);
    });
    await this.dataSource.query(
      `UPDATE ${this.qualified} SET ${assignments.join(', ')}
       WHERE hospital_id = $1 AND id = $2`,
      [hospitalId, id, ...values],
    );
  }
}
