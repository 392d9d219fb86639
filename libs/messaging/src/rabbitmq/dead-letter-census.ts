import type { ChannelModel } from 'amqplib';
import type { DeadLetterCount } from '../transport';
import { hospitalOf } from '../dead-letter-hospital';
import { dlqName } from './topology';
import { decode, openQuietly } from './amqp-channel-helpers';

/** At most this many messages per dead-letter queue are read to attribute them; the rest count unattributed. */
const ATTRIBUTED_PER_QUEUE = 1000;

/**
 * Counts the messages waiting in `<queue>.dlq`, by the `hospitalId` of their payload. Reading a queue means
 * taking messages without acking them; closing the channel puts every one back (marked redelivered), so
 * the census never removes or loses a dead letter. A queue that does not exist counts nothing.
 */
export async function countDeadLetters(
  connection: ChannelModel,
  queues: string[],
): Promise<DeadLetterCount[]> {
  const counts: DeadLetterCount[] = [];
  for (const queue of queues) {
    // checkQueue on a missing queue closes the channel with 404; that error is the answer, not a failure.
    const channel = await openQuietly(connection);
    try {
      const { messageCount } = await channel.checkQueue(dlqName(queue));
      const byHospital = new Map<string | undefined, number>();
      let read = 0;
      while (read < Math.min(messageCount, ATTRIBUTED_PER_QUEUE)) {
        const message = await channel.get(dlqName(queue), { noAck: false });
        if (!message) break;
        read += 1;
        const hospitalId = hospitalOf(safeDecode(message));
        byHospital.set(hospitalId, (byHospital.get(hospitalId) ?? 0) + 1);
      }
      if (messageCount > read)
        byHospital.set(undefined, (byHospital.get(undefined) ?? 0) + messageCount - read);
      for (const [hospitalId, count] of byHospital)
        counts.push({ queue, count, ...(hospitalId ? { hospitalId } : {}) });
    } catch {
      // No such queue (nothing ever dead-lettered there on this broker): nothing to count.
    } finally {
      await channel.close().catch(() => undefined);
    }
  }
  return counts;
}

function safeDecode(message: Parameters<typeof decode>[0]): unknown {
  try {
    return decode(message);
  } catch {
    return undefined;
  }
}
