import { DomainError } from '@bridge/contracts';
import type { Channel, ChannelModel, ConsumeMessage, Message } from 'amqplib';
import { randomUUID } from 'node:crypto';
import type { RequestOptions, RpcEnvelope } from '../transport';
import type { ConnectionManager } from './connection';
import { writeQueuedFrames } from './coalesced-writes';
import { declareRpcQueue, DIRECT_REPLY_TO, HEADERS, rpcQueue } from './topology';
import { CONTENT_TYPE, closeQuietly, decode, describe, encode, propertiesOf } from './amqp-channel-helpers';
import {
  GROUP_HEADERS,
  MAX_REQUESTS_PER_MESSAGE,
  readGroupedReplies,
  readGroupedRequests,
  type GroupedRequest,
} from './rpc-grouping';

interface Pending {
  pattern: string;
  channel: Channel;
  resolve(envelope: RpcEnvelope): void;
  reject(error: DomainError): void;
}

/** The requests to one pattern waiting for the end of the turn, on the channel they were made on. */
interface Outgoing {
  channel: Channel;
  requests: { request: GroupedRequest; entry: Pending }[];
}

/**
 * Sends requests and matches replies. Replies come over direct reply-to on the channel that published
 * the request (RabbitMQ requires that, and noAck: replies are transient by design). The request's own
 * AMQP messageId is the key the reply echoes as its correlationId: the caller's correlationId is a
 * tracing id that many concurrent requests share, so it cannot tell replies apart. The requests to a
 * pattern made in the same event-loop turn leave as one message, and their replies may come back grouped
 * too (rpc-grouping.ts); each keeps its own id, deadline and outcome.
 *
 * Requests are not publisher-confirmed: the reply is the confirmation. Every way a request can fail to
 * arrive still ends the call with a clear error: no queue for the pattern -> the broker returns the
 * mandatory request (SERVICE_UNAVAILABLE at once); the channel or connection lost -> SERVICE_UNAVAILABLE
 * at once; anything else (a request the broker dropped, a blocked connection) -> RPC_TIMEOUT at the
 * deadline, which is when a confirm that never came would have failed it too. A confirm would cost the
 * broker a frame, and the caller a socket read and a wake-up, per request.
 */
export class RpcClient {
  private channel: Promise<Channel> | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly outgoing = new Map<string, Outgoing>();
  /** Request queues declared per connection, so a request waits in the queue for a server still starting. */
  private readonly declared = new WeakMap<ChannelModel, Map<string, Promise<void>>>();

  constructor(private readonly connections: ConnectionManager) {}

  async request(pattern: string, payload: unknown, options: RequestOptions): Promise<RpcEnvelope> {
    const deadline = Date.now() + options.timeoutMs;
    const channel = await this.channelBy(pattern, deadline);
    const requestId = randomUUID();
    const remaining = Math.max(1, deadline - Date.now());
    return new Promise<RpcEnvelope>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new DomainError('RPC_TIMEOUT', `${pattern} did not answer within ${options.timeoutMs} ms.`));
      }, remaining);
      const entry: Pending = {
        pattern,
        channel,
        resolve: (envelope) => {
          if (this.finish(requestId, timer)) resolve(envelope);
        },
        reject: (error) => {
          if (this.finish(requestId, timer)) reject(error);
        },
      };
      this.pending.set(requestId, entry);
      this.send(pattern, channel, {
        request: {
          id: requestId,
          correlationId: options.correlationId,
          deadline,
          ...(options.traceparent ? { traceparent: options.traceparent } : {}),
          payload,
        },
        entry,
      });
    });
  }

  /**
   * Queues a request for the end of this event-loop turn, when the turn's requests to its pattern leave
   * together (rpc-grouping.ts); a full group leaves at once.
   */
  private send(pattern: string, channel: Channel, outgoing: Outgoing['requests'][number]): void {
    let group = this.outgoing.get(pattern);
    if (group && group.channel !== channel) {
      this.flush(pattern, group);
      group = undefined;
    }
    if (!group) {
      const created: Outgoing = { channel, requests: [] };
      this.outgoing.set(pattern, created);
      setImmediate(() => this.flush(pattern, created));
      group = created;
    }
    group.requests.push(outgoing);
    if (group.requests.length === MAX_REQUESTS_PER_MESSAGE) this.flush(pattern, group);
  }

  private flush(pattern: string, group: Outgoing): void {
    if (this.outgoing.get(pattern) === group) this.outgoing.delete(pattern);
    // Emptied, so the turn's scheduled flush of a group that left full sends nothing; a request whose
    // caller already gave up (a deadline shorter than the turn) is not sent at all.
    const requests = group.requests.splice(0).filter(({ request }) => this.pending.has(request.id));
    if (requests.length === 0) return;
    const alone = requests.length === 1 ? requests[0].request : undefined;
    const deadline = Math.max(...requests.map(({ request }) => request.deadline));
    // The expiration makes the broker drop a request nobody took in time rather than have it run late (a
    // group's is its latest deadline; the server skips the members already past theirs).
    // Not persistent: a request lives no longer than its caller waits, and one lost with the broker ends
    // in RPC_TIMEOUT at the caller, never silently; writing it to disk would only slow every call.
    try {
      group.channel.publish(
        '',
        rpcQueue(pattern),
        encode(alone ? alone.payload : requests.map(({ request }) => request)),
        {
          messageId: alone ? alone.id : randomUUID(),
          correlationId: requests[0].request.correlationId,
          replyTo: DIRECT_REPLY_TO,
          expiration: String(Math.max(1, deadline - Date.now())),
          persistent: false,
          mandatory: true,
          contentType: CONTENT_TYPE,
          headers: {
            [HEADERS.deadline]: deadline,
            ...(alone?.traceparent ? { [HEADERS.traceparent]: alone.traceparent } : {}),
            ...(alone ? {} : { [GROUP_HEADERS.requests]: requests.length }),
          },
        },
      );
      writeQueuedFrames(group.channel);
    } catch (error) {
      // amqplib throws when the channel closed since channelBy() handed it over.
      for (const { entry } of requests) {
        entry.reject(
          new DomainError('SERVICE_UNAVAILABLE', `${pattern}: request not sent: ${describe(error)}.`),
        );
      }
    }
  }

  private finish(requestId: string, timer: NodeJS.Timeout): boolean {
    clearTimeout(timer);
    return this.pending.delete(requestId);
  }

  /**
   * The reply channel on the live connection with the request queue declared. A connection that dies
   * under our feet is waited out (up to the deadline) like one that is down already.
   */
  private async channelBy(pattern: string, deadline: number): Promise<Channel> {
    for (;;) {
      const connection = await this.connections.connectionBy(deadline);
      try {
        await this.declareOnce(connection, pattern);
        return await this.replyChannel(connection);
      } catch (error) {
        if (Date.now() >= deadline) {
          throw new DomainError('SERVICE_UNAVAILABLE', `Cannot send ${pattern}: ${describe(error)}.`);
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(100, deadline - Date.now())));
      }
    }
  }

  /** Fails every waiting request: used on close, when no reply can arrive any more. */
  rejectAll(reason: string): void {
    for (const entry of [...this.pending.values()]) {
      entry.reject(new DomainError('SERVICE_UNAVAILABLE', `${entry.pattern}: ${reason}.`));
    }
  }

  private declareOnce(connection: ChannelModel, pattern: string): Promise<void> {
    let patterns = this.declared.get(connection);
    if (!patterns) this.declared.set(connection, (patterns = new Map<string, Promise<void>>()));
    let declaring = patterns.get(pattern);
    if (!declaring) {
      // A throwaway channel: a failed declaration closes its channel, and must not take the reply
      // channel (with every request waiting on it) down too.
      declaring = connection.createChannel().then(async (channel) => {
        channel.on('error', () => undefined);
        try {
          await declareRpcQueue(channel, pattern);
        } finally {
          await closeQuietly(channel);
        }
      });
      const known = patterns;
      declaring.catch(() => known.delete(pattern));
      patterns.set(pattern, declaring);
    }
    return declaring;
  }

  private replyChannel(connection: ChannelModel): Promise<Channel> {
    if (!this.channel) {
      const opening = connection.createChannel().then(async (channel) => {
        channel.on('error', () => undefined);
        channel.on('close', () => {
          if (this.channel === opening) this.channel = undefined;
          this.replyChannelClosed(channel);
        });
        channel.on('return', (message: Message) => this.returned(message));
        await channel.consume(DIRECT_REPLY_TO, (message) => this.reply(message), { noAck: true });
        return channel;
      });
      opening.catch(() => {
        if (this.channel === opening) this.channel = undefined;
      });
      this.channel = opening;
    }
    return this.channel;
  }

  private reply(message: ConsumeMessage | null): void {
    if (!message) return;
    if (propertiesOf(message).headers?.[GROUP_HEADERS.replies] !== undefined) {
      this.groupedReply(message);
      return;
    }
    const entry = this.pending.get(String(message.properties.correlationId));
    if (!entry) return; // a late reply to a request that already timed out
    try {
      entry.resolve(JSON.parse(message.content.toString('utf8')) as RpcEnvelope);
    } catch (error) {
      entry.reject(
        new DomainError('INTERNAL_ERROR', `${entry.pattern}: unreadable reply: ${describe(error)}.`),
      );
    }
  }

  /** The replies of a group ready in the same turn; an unreadable one leaves its callers to their deadline. */
  private groupedReply(message: ConsumeMessage): void {
    let body: unknown;
    try {
      body = decode(message);
    } catch {
      return;
    }
    for (const [id, envelope] of readGroupedReplies(body)) this.pending.get(id)?.resolve(envelope);
  }

  /** A mandatory request came back unroutable: its queue was deleted, nobody can serve it (nor its group). */
  private returned(message: Message): void {
    const { messageId, headers } = propertiesOf(message);
    let ids = [String(messageId)];
    if (headers?.[GROUP_HEADERS.requests] !== undefined) {
      try {
        ids = readGroupedRequests(decode(message)).map(({ id }) => id);
      } catch {
        return; // not one of ours: our groups are well formed
      }
    }
    for (const id of ids) {
      const entry = this.pending.get(id);
      entry?.reject(new DomainError('SERVICE_UNAVAILABLE', `No queue for ${entry.pattern}.`));
    }
  }

  /** Replies travel only to the channel that sent the request: with it gone, nobody will answer. */
  private replyChannelClosed(channel: Channel): void {
    for (const entry of [...this.pending.values()]) {
      if (entry.channel === channel) {
        entry.reject(
          new DomainError('SERVICE_UNAVAILABLE', `${entry.pattern}: connection lost before the reply.`),
        );
      }
    }
  }
}
