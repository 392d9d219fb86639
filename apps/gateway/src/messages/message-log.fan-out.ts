import {
  DomainError,
  isDomainError,
  MESSAGE_LOG_DEFAULT_LIMIT,
  type MessageDetailV1,
  type MessageLogEntryV1,
  type MessageLogPageV1,
  type MessageLogQueryV1,
} from '@bridge/contracts';
import type { Bus } from '@bridge/messaging';
import { decodePageCursor, encodePageCursor } from '../http/page-cursor';

/** The services that journal exchanges, each answering for its own channels. */
const JOURNALS = [
  { list: 'hl7.messages.list.v1', get: 'hl7.messages.get.v1' },
  { list: 'imports.messages.list.v1', get: 'imports.messages.get.v1' },
  { list: 'siu.messages.list.v1', get: 'siu.messages.get.v1' },
] as const;

/**
 * One message log over every journal: each is asked for its newest `limit + 1` entries after the cursor's
 * position, and the merge keeps the newest `limit` of them all — the same page a single table ordered by
 * (created_at, id) would give. The extra row only tells whether another page follows.
 */
export async function listMessages(bus: Bus, query: MessageLogQueryV1): Promise<MessageLogPageV1> {
  const { cursor, ...filters } = query;
  const limit = filters.limit ?? MESSAGE_LOG_DEFAULT_LIMIT;
  const after = decodePageCursor(cursor);
  const lists = await Promise.all(
    JOURNALS.map((journal) =>
      bus.request(journal.list, { ...filters, limit: limit + 1, ...(after ? { after } : {}) }),
    ),
  );
  const merged = lists.flat().sort(newestFirst);
  const page = merged.slice(0, limit);
  const last = page[page.length - 1];
  return {
    messages: page.map(({ position: _position, ...view }) => view),
    ...(merged.length > limit && last ? { nextCursor: encodePageCursor(last.position) } : {}),
  };
}

/** Message ids are UUIDs, unique across journals: the one that knows the id answers; 404 when none does. */
export async function getMessage(bus: Bus, messageId: string): Promise<MessageDetailV1> {
  const answers = await Promise.allSettled(
    JOURNALS.map((journal) => bus.request(journal.get, { messageId })),
  );
  for (const answer of answers) if (answer.status === 'fulfilled') return answer.value;
  const failures = answers.map((answer) => (answer as PromiseRejectedResult).reason as unknown);
  const unexpected = failures.find((error) => !(isDomainError(error) && error.code === 'NOT_FOUND'));
  if (unexpected) throw unexpected instanceof Error ? unexpected : new Error('message lookup failed');
  throw new DomainError('NOT_FOUND', 'No such message.');
}

/** The journals' own order: created_at to the microsecond, then id, both descending. */
function newestFirst(a: MessageLogEntryV1, b: MessageLogEntryV1): number {
  return compareDescending(a.position.at, b.position.at) || compareDescending(a.position.id, b.position.id);
}

/** Code-unit order, as PostgreSQL orders fixed-width UTC timestamps and lowercase uuids. */
function compareDescending(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}
