import { Logger } from '@nestjs/common';
import type {
  DeadLetter,
  EventConsumeHandler,
  MessageMeta,
  RpcServeHandler,
  SubscribeOptions,
} from '../transport';
import { PoisonMessageError } from '../transport';
import { hospitalOf } from '../dead-letter-hospital';
import { isRoutedByHospital } from '../routing';

interface Delivery {
  event: string;
  payload: unknown;
  meta: MessageMeta;
}

interface Consumer {
  owner: object;
  handler: EventConsumeHandler;
  prefetch: number;
  inFlight: number;
}

/**
 * Deliveries a queue may hold, beyond those its consumers have in flight, before publishers wait (flow
 * control). The in-process queues live in the process's memory: without a bound, an outbox relay that
 * publishes faster than a consumer handles (100,000 SIU messages relayed in seconds, their webhook events
 * recorded one by one) piles every event of a run up on the heap. With it the backlog waits in the
 * publishing service's outbox table, in PostgreSQL, and the process's memory stays flat.
 */
export const DEFAULT_QUEUE_BOUND = 1000;

class InProcessQueue {
  readonly pending: Delivery[] = [];
  readonly consumers: Consumer[] = [];
  private nextConsumer = 0;
  private timers = new Set<NodeJS.Timeout>();
  /** Publishers waiting for the backlog to fall under the bound. */
  private waitingForRoom: (() => void)[] = [];
  /** Paused, the queue keeps what arrives and hands nothing out (a consumer that is down, for tests). */
  paused = false;

  constructor(
    readonly name: string,
    readonly options: SubscribeOptions,
    private readonly broker: InProcessBroker,
    private readonly bound: number,
  ) {}

  enqueue(delivery: Delivery): void {
    this.pending.push(delivery);
    this.pump();
  }

  /**
   * Undefined when the queue takes a message now; else a promise that resolves once its backlog fell under
   * the bound. A queue nobody drains (no consumer, or paused) never makes a publisher wait: it keeps what
   * arrives, as a durable queue does while its consumers are down.
   */
  room(): Promise<void> | undefined {
    if (!this.draining() || this.pending.length < this.bound) return undefined;
    return new Promise((resolve) => this.waitingForRoom.push(resolve));
  }

  /** Hands pending deliveries to consumers with spare prefetch, round robin (competing consumers). */
  pump(): void {
    while (!this.paused && this.pending.length > 0) {
      const consumer = this.pickConsumer();
      if (!consumer) break;
      const delivery = this.pending.shift()!;
      consumer.inFlight += 1;
      void this.deliver(consumer, delivery);
    }
    this.releasePublishers();
  }

  private draining(): boolean {
    return !this.paused && this.consumers.length > 0;
  }

  /** Every waiting publisher at once, when there is room or nobody drains: the overshoot is one relay batch. */
  releasePublishers(): void {
    if (this.waitingForRoom.length === 0) return;
    if (this.draining() && this.pending.length >= this.bound) return;
    const waiting = this.waitingForRoom;
    this.waitingForRoom = [];
    for (const resolve of waiting) resolve();
  }

  private pickConsumer(): Consumer | undefined {
    for (let i = 0; i < this.consumers.length; i++) {
      const consumer = this.consumers[(this.nextConsumer + i) % this.consumers.length];
      if (consumer.inFlight < consumer.prefetch) {
        this.nextConsumer = (this.nextConsumer + i + 1) % this.consumers.length;
        return consumer;
      }
    }
    return undefined;
  }

  private async deliver(consumer: Consumer, delivery: Delivery): Promise<void> {
    try {
      await consumer.handler(structuredClone(delivery.payload), { ...delivery.meta });
    } catch (error) {
      this.fail(delivery, error);
    } finally {
      consumer.inFlight -= 1;
      this.pump();
    }
  }

  private fail(delivery: Delivery, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    const poison = error instanceof PoisonMessageError;
    if (!poison && delivery.meta.attempt < this.options.maxAttempts) {
      const delay = this.options.backoffMs * 2 ** (delivery.meta.attempt - 1);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.enqueue({ ...delivery, meta: { ...delivery.meta, attempt: delivery.meta.attempt + 1 } });
      }, delay);
      this.timers.add(timer);
      return;
    }
    this.broker.deadLetter({
      queue: this.name,
      event: delivery.event,
      messageId: delivery.meta.messageId,
      reason,
      payload: delivery.payload,
    });
  }

  removeOwner(owner: object): void {
    for (let i = this.consumers.length - 1; i >= 0; i--) {
      if (this.consumers[i].owner === owner) this.consumers.splice(i, 1);
    }
    if (this.consumers.length === 0) {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
    }
    this.releasePublishers();
  }
}

/**
 * The in-process stand-in for RabbitMQ: named queues bound to events, competing consumers with
 * prefetch, bounded retries with exponential backoff, a dead-letter list, flow control (a publisher waits
 * while a queue it publishes to holds `queueBound` deliveries). Shared by every app module hosted in one
 * process, exactly as they would share a broker.
 */
export class InProcessBroker {
  private readonly logger = new Logger('InProcessBroker');
  private readonly rpcHandlers = new Map<string, { owner: object; handler: RpcServeHandler }[]>();
  private readonly rpcCursor = new Map<string, number>();
  private readonly queues = new Map<string, InProcessQueue>();
  private readonly bindings = new Map<string, Set<InProcessQueue>>();
  readonly deadLetters: DeadLetter[] = [];

  constructor(private readonly options: { queueBound?: number } = {}) {}

  serve(owner: object, pattern: string, handler: RpcServeHandler): void {
    const handlers = this.rpcHandlers.get(pattern) ?? [];
    handlers.push({ owner, handler });
    this.rpcHandlers.set(pattern, handlers);
  }

  /** Round robin over the instances serving a pattern. */
  rpcHandler(pattern: string): RpcServeHandler | undefined {
    const handlers = this.rpcHandlers.get(pattern);
    if (!handlers?.length) return undefined;
    const cursor = (this.rpcCursor.get(pattern) ?? 0) % handlers.length;
    this.rpcCursor.set(pattern, cursor + 1);
    return handlers[cursor].handler;
  }

  /**
   * Per byHospital queue and event, the hospitals routed to it (routing.ts). Kept beside the queues, as a
   * route may come before the subscription. A queue without an entry has not been routed yet and takes every
   * hospital's events: routes live only as long as the process, so until its owner routes it after a start,
   * nothing may be dropped.
   */
  private readonly hospitalRoutes = new Map<string, Set<string>>();

  routeHospitals(queueName: string, event: string, hospitalIds: readonly string[]): void {
    const key = routeKey(queueName, event);
    const routes = this.hospitalRoutes.get(key) ?? new Set<string>();
    for (const hospitalId of hospitalIds) routes.add(hospitalId);
    this.hospitalRoutes.set(key, routes);
  }

  /** Whether `queue` takes this copy of `event`, as the exchange's bindings would decide. */
  private routes(queue: InProcessQueue, event: string, payload: unknown): boolean {
    if (!queue.options.byHospital || !isRoutedByHospital(event)) return true;
    const routes = this.hospitalRoutes.get(routeKey(queue.name, event));
    const hospitalId = hospitalOf(payload);
    return routes === undefined || hospitalId === undefined || routes.has(hospitalId);
  }

  subscribe(owner: object, event: string, options: SubscribeOptions, handler: EventConsumeHandler): void {
    let queue = this.queues.get(options.queue);
    if (!queue) {
      queue = new InProcessQueue(
        options.queue,
        options,
        this,
        this.options.queueBound ?? DEFAULT_QUEUE_BOUND,
      );
      this.queues.set(options.queue, queue);
    }
    const bound = this.bindings.get(event) ?? new Set();
    bound.add(queue);
    this.bindings.set(event, bound);
    queue.consumers.push({ owner, handler, prefetch: options.prefetch, inFlight: 0 });
    queue.pump();
  }

  /**
   * Like a topic exchange: every queue bound to the event (and routed its hospital, for a byHospital queue)
   * gets a copy; none, the event is dropped.
   * Resolves once the copies are queued: at once, or when every bound queue has room again (flow control).
   */
  async publish(event: string, payload: unknown, meta: MessageMeta): Promise<void> {
    const queues = [...(this.bindings.get(event) ?? [])].filter((queue) =>
      this.routes(queue, event, payload),
    );
    const full = queues.map((queue) => queue.room()).filter((room) => room !== undefined);
    if (full.length > 0) await Promise.all(full);
    for (const queue of queues) queue.enqueue({ event, payload, meta });
  }

  /**
   * Stops handing out a queue's messages until the answered function is called, as if its consumers were
   * down: tests use it to make one queue lag behind another.
   */
  pause(queueName: string): () => void {
    const queue = this.queues.get(queueName);
    if (!queue) throw new Error(`No queue ${queueName}: nothing subscribed to it yet`);
    queue.paused = true;
    queue.releasePublishers();
    return () => {
      queue.paused = false;
      queue.pump();
    };
  }

  deadLetter(letter: DeadLetter): void {
    this.deadLetters.push(letter);
    this.logger.error({
      msg: 'dead-lettered',
      event: letter.event,
      messageId: letter.messageId,
      queue: letter.queue,
      reason: letter.reason,
    });
  }

  /** Removes one transport's handlers and consumers; queues and their pending messages stay, as durable queues do. */
  detach(owner: object): void {
    for (const [pattern, handlers] of this.rpcHandlers) {
      this.rpcHandlers.set(
        pattern,
        handlers.filter((entry) => entry.owner !== owner),
      );
    }
    for (const queue of this.queues.values()) queue.removeOwner(owner);
  }
}

function routeKey(queue: string, event: string): string {
  return `${queue}\u0000${event}`;
}

/** One broker per process: every app hosted in the process talks through it. */
export const processBroker = new InProcessBroker();
