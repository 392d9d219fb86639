import type { RpcEnvelope } from '../transport';
import { isMemberId } from './amqp-channel-helpers';

/**
 * Requests to one pattern made in the same event-loop turn travel as one AMQP message, and the replies that
 * are ready in the same turn as one reply: under load most of an RPC's cost is per message (the broker's
 * routing and delivery, the frames, the socket writes and the wake-ups at both ends), not per request.
 * Each request keeps its own id, deadline, correlation id and trace context, is validated and handled on
 * its own, and gets its own envelope; a request alone in its turn travels as before, ungrouped.
 *
 * What changes is the unit the broker redelivers: a group is acked when its last request is answered, so
 * a server that dies mid-group leaves every request of the group to another instance, the answered ones
 * too (their callers ignore the second reply). Handlers already run at least once (a request whose
 * transaction committed just before a crash is redelivered the same way); grouping widens that window,
 * nothing else.
 *
 * Upgrade order: servers before callers. A server from before grouping reads a group as one payload,
 * refuses it, and the group's callers end in RPC_TIMEOUT.
 */

/** At most this many requests per message: prefetch counts messages, so it bounds a server's work in flight. */
export const MAX_REQUESTS_PER_MESSAGE = 8;

/** Header of a grouped request (its number of requests) and of a grouped reply (its number of replies). */
export const GROUP_HEADERS = { requests: 'x-requests', replies: 'x-replies' } as const;

/** One request inside a grouped message. */
export interface GroupedRequest {
  id: string;
  correlationId: string;
  /** Epoch ms after which its caller no longer waits. */
  deadline: number;
  traceparent?: string;
  payload: unknown;
}

/** One reply inside a grouped reply: the request's id and its envelope. */
export type GroupedReply = [id: string, envelope: RpcEnvelope];

/** The requests of a grouped message, or why it is not one (another publisher may send anything). */
export function readGroupedRequests(body: unknown): GroupedRequest[] {
  if (!Array.isArray(body) || body.length === 0 || body.length > MAX_REQUESTS_PER_MESSAGE) {
    throw new Error(`a grouped request holds 1-${MAX_REQUESTS_PER_MESSAGE} requests`);
  }
  return body.map((item: unknown, index) => {
    const request = item as Partial<GroupedRequest> | null;
    if (
      typeof request !== 'object' ||
      request === null ||
      !isMemberId(request.id) ||
      typeof request.correlationId !== 'string' ||
      typeof request.deadline !== 'number' ||
      !Number.isFinite(request.deadline) ||
      (request.traceparent !== undefined && typeof request.traceparent !== 'string')
    ) {
      throw new Error(`grouped request ${index} lacks an id, a correlation id or a deadline`);
    }
    return request as GroupedRequest;
  });
}

/** The replies of a grouped reply; entries that are not [id, envelope] are skipped (nobody waits for them). */
export function readGroupedReplies(body: unknown): GroupedReply[] {
  if (!Array.isArray(body)) return [];
  return body.filter(
    (item: unknown): item is GroupedReply =>
      Array.isArray(item) &&
      isMemberId(item[0]) &&
      typeof item[1] === 'object' &&
      item[1] !== null &&
      typeof (item[1] as { ok?: unknown }).ok === 'boolean',
  );
}
