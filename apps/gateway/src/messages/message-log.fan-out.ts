import {
  DomainError,
  isDomainError,
  type ListMessagesRequestV1,
  type MessageDetailV1,
  type MessageViewV1,
} from '@bridge/contracts';
import type { Bus } from '@bridge/messaging';

export const DEFAULT_MESSAGE_LOG_LIMIT = 100;

/** The services that journal exchanges, each answering for its own channels. */
const JOURNALS = [
  { list: 'hl7.messages.list.v1', get: 'hl7.messages.get.v1' },
  { list: 'imports.messages.list.v1', get: 'imports.messages.get.v1' },
  { list: 'siu.messages.list.v1', get: 'siu.messages.get.v1' },
] as const;

/**
 * One message log over every journal: each is asked for its newest `limit` entries matching the
 * filters, and the merge keeps the newest `limit` of them all — the same page a single table would give.
 */
export async function listMessages(bus: Bus, filters: ListMessagesRequestV1): Promise<MessageViewV1[]> {
  const limit = filters.limit ?? DEFAULT_MESSAGE_LOG_LIMIT;
  const lists = await Promise.all(
    JOURNALS.map((journal) => bus.request(journal.list, { ...filters, limit })),
  );
  return lists.flat().sort(newestFirst).slice(0, limit);
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

function newestFirst(a: MessageViewV1, b: MessageViewV1): number {
  const byTime = Date.parse(b.createdAt) - Date.parse(a.createdAt);
  return byTime !== 0 ? byTime : b.id.localeCompare(a.id);
}
