import { DomainError, KEYSET_AT_PATTERN, type KeysetPositionV1 } from '@bridge/contracts';

/**
 * The opaque `cursor` / `nextCursor` of keyset-paged lists (patients, message log): a row's position,
 * base64url so it travels in a query string untouched. Clients only hand back what they were given.
 */
export function encodePageCursor(position: KeysetPositionV1): string {
  return Buffer.from(`${position.at}|${position.id}`).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cursor this gateway did not make (edited, truncated, from another list's format) is a 400, never a guess. */
export function decodePageCursor(cursor: string | undefined): KeysetPositionV1 | undefined {
  if (cursor === undefined) return undefined;
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (rest.length > 0 || !KEYSET_AT_PATTERN.test(at ?? '') || !UUID.test(id ?? '')) {
    throw new DomainError('INVALID_CURSOR', 'The cursor is not one this API returned.', {
      errors: [{ field: 'cursor', message: 'cursor must be the nextCursor of a previous page' }],
    });
  }
  return { at, id: id.toLowerCase() };
}
