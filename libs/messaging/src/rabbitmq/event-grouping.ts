import { PoisonMessageError } from '../transport';
import { isMemberId } from './amqp-channel-helpers';

/**
 * A hospital's events of one kind published in the same event-loop turn travel as one AMQP message (issue 17).
 * They are the per-patient events routed by hospital (routing.ts): a SIU batch's hundred patients and care
 * flows, or the pushes an outbox relay page carries. Each was a publish, a confirm, a route and usually a drop
 * at the exchange (a hospital without webhooks); the broker's share of a SIU message was mostly those.
 * Grouped, a relay page of one hospital's events costs the broker a message or two.
 *
 * Each event keeps its own id, correlation id and trace context, and the consumer handles each on its own
 * (event-consumer.ts): one that fails is retried or dead-lettered alone, as an ordinary message, and the
 * group is acked once every member is handled or moved. An event alone in its turn travels as before. Events
 * of other kinds are never grouped: their consumers may be slow (a SIU slice is a hundred messages' work),
 * and a group is handled member after member by one consumer.
 *
 * What changes is the unit the broker redelivers: a consumer that dies mid-group leaves the whole group to
 * another, the handled members too, which the consumers' inbox dedupes by id as it does any redelivery.
 *
 * Upgrade order: consumers before publishers. A consumer from before grouping reads a group as one payload,
 * refuses it, and the group goes to its dead letter queue. A consumer outside the platform that binds the
 * events exchange must read the header below.
 */

/** At most this many events per message; a relay page holds at most 200. */
export const MAX_EVENTS_PER_MESSAGE = 100;

/** Header of a grouped event message: its number of events. */
export const EVENT_GROUP_HEADER = 'x-events';

/** One event inside a grouped message (the body is an array of them, in publish order). */
export interface GroupedEventMember {
  id: string;
  correlationId: string;
  traceparent?: string;
  payload: unknown;
}

/** The events of a grouped message; a body that is not one can never be handled, so it is poison. */
export function readGroupedEvents(body: unknown): GroupedEventMember[] {
  if (!Array.isArray(body) || body.length === 0 || body.length > MAX_EVENTS_PER_MESSAGE) {
    throw new PoisonMessageError(`a grouped event message holds 1-${MAX_EVENTS_PER_MESSAGE} events`);
  }
  return body.map((item: unknown, index) => {
    const member = item as Partial<GroupedEventMember> | null;
    if (
      typeof member !== 'object' ||
      member === null ||
      !isMemberId(member.id) ||
      typeof member.correlationId !== 'string' ||
      (member.traceparent !== undefined && typeof member.traceparent !== 'string') ||
      !('payload' in member)
    ) {
      throw new PoisonMessageError(`grouped event ${index} lacks an id, a correlation id or a payload`);
    }
    return member as GroupedEventMember;
  });
}
