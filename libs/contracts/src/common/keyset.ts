import { IsUUID, Matches } from 'class-validator';

/**
 * A row's place in a newest-first list: its timestamp to the microsecond (PostgreSQL's precision, which a
 * JavaScript Date would round away) and its id as the tie-breaker. Pages continue strictly after it, so
 * rows written while a reader pages never shift the pages already read.
 */
export const KEYSET_AT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export class KeysetPositionV1 {
  @Matches(KEYSET_AT_PATTERN) at: string;
  @IsUUID('all') id: string;
}

/** Cursors are opaque to clients; the gateway encodes a position in fewer characters than this. */
export const PAGE_CURSOR_MAX_LENGTH = 200;
