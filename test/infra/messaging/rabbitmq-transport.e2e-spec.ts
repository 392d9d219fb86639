/**
 * The RabbitMQ transport against a real broker: a private node from the launcher (or AMQP_URL for the
 * tests that do not restart the broker), driven directly through the Transport interface with separate
 * publisher/consumer instances, as separate processes would use it.
 */
import { DomainError } from '@bridge/contracts';
import {
  PoisonMessageError,
  RabbitMqTransport,
  type MessageMeta,
  type RabbitMqTransportOptions,
} from '@bridge/messaging';
import { Logger } from '@nestjs/common';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  expectEventually,
  freePort,
  rabbitMqServerBinary,
  startRabbitMq,
  type RabbitMqNode,
} from '../../../libs/testing/src/rabbitmq';

// Timing-bound by nature: tests here measure backoff delays, RPC deadlines and redelivery across broker
// restarts on two busy cores, so a starved run is retried (each failure logged). This is the only retried
// suite: the crash-safety suites (R1 siu-crash, the outbox relay, R7, R8) must pass on their first try.
jest.retryTimes(2, { logErrorsBeforeRetry: true });

const canLaunch = !!rabbitMqServerBinary();
// Without a broker to talk to the suite is skipped on a developer machine, but never in CI.
const runnable = canLaunch || !!process.env.AMQP_URL || !!process.env.CI;
const suite = runnable ? describe : describe.skip;
if (!runnable) console.warn('RabbitMQ transport suite skipped: no AMQP_URL and no rabbitmq-server installed');

/** Unique names per run, so a shared broker (AMQP_URL) never mixes runs; deleted after the run. */
const run = randomBytes(3).toString('hex');
const queues = new Set<string>();
const name = (what: string): string => {
  const unique = `test-${run}.${what}`;
  // Every name may be a queue, an RPC pattern (queue rpc.<name>) or a subscription (and its satellites).
  for (const queue of [unique, `rpc.${unique}`, `${unique}.dlq`]) queues.add(queue);
  return unique;
};

let launched: RabbitMqNode | undefined;
let url: string;
let admin: ChannelModel;
let adminChannel: Channel;
const transports: RabbitMqTransport[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

async function privateBroker(): Promise<RabbitMqNode> {
  launched ??= await startRabbitMq();
  return launched;
}

async function transport(options: Partial<RabbitMqTransportOptions> = {}): Promise<RabbitMqTransport> {
  const created = new RabbitMqTransport({ url, service: 'test', closeTimeoutMs: 200, ...options });
  transports.push(created);
  await created.start();
  return created;
}

function publishOptions(messageId = randomUUID()): { messageId: string; correlationId: string } {
  return { messageId, correlationId: `corr-${messageId}` };
}

function subscription(
  queue: string,
  overrides: Partial<{ prefetch: number; maxAttempts: number; backoffMs: number }> = {},
) {
  const options = { queue, prefetch: 10, maxAttempts: 5, backoffMs: 50, ...overrides };
  for (let attempt = 1; attempt < options.maxAttempts; attempt++) {
    queues.add(`${queue}.retry.${options.backoffMs * 2 ** (attempt - 1)}ms`);
  }
  return options;
}

/** Leaves a shared broker as it was found. */
async function deleteTestQueues(): Promise<void> {
  for (const queue of queues) {
    const channel = await admin.createChannel();
    channel.on('error', () => undefined);
    await channel.deleteQueue(queue).catch(() => undefined);
    await channel.close().catch(() => undefined);
  }
}

/** The next message in a queue, polled until one arrives. */
function nextIn(queue: string, timeoutMs = 10_000): Promise<GetMessage> {
  return expectEventually(
    async () => {
      const message = await adminChannel.get(queue, { noAck: true });
      if (!message) throw new Error(`${queue} is empty`);
      return message;
    },
    { timeoutMs },
  );
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

suite('RabbitMQ transport (real broker)', () => {
  beforeAll(async () => {
    if (!process.env.DEBUG_RABBITMQ) Logger.overrideLogger(false);
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    url = process.env.AMQP_URL ?? (await privateBroker()).url;
    admin = await connect(url);
    admin.on('error', () => undefined);
    adminChannel = await admin.createChannel();
  });

  afterEach(async () => {
    await Promise.all(transports.splice(0).map((created) => created.close()));
    // Jest fails a test on an unhandled rejection too; this also catches ones surfacing between tests.
    expect(unhandled).toEqual([]);
  });

  afterAll(async () => {
    if (process.env.AMQP_URL && admin) await deleteTestQueues();
    await admin?.close().catch(() => undefined);
    await launched?.stop();
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
  });

  describe('RPC', () => {
    test('round trip: the server gets payload and meta, the caller gets the envelope', async () => {
      const pattern = name('echo');
      const server = await transport();
      const client = await transport();
      const seen: MessageMeta[] = [];
      await server.serve(pattern, async (payload, meta) => {
        seen.push(meta);
        return { ok: true, result: { echo: payload } };
      });

      const envelope = await client.request(
        pattern,
        { hello: 'world' },
        { timeoutMs: 5000, correlationId: 'c-1' },
      );

      expect(envelope).toEqual({ ok: true, result: { echo: { hello: 'world' } } });
      expect(seen).toEqual([{ messageId: expect.any(String), correlationId: 'c-1', attempt: 1 }]);
    });

    test('200 concurrent requests sharing one correlation id each get their own reply', async () => {
      const pattern = name('square');
      const server = await transport();
      const client = await transport();
      await server.serve(pattern, async (payload) => {
        const { n } = payload as { n: number };
        // Answer out of order, so replies cannot match requests by arrival.
        await new Promise((resolve) => setTimeout(resolve, (n * 7) % 13));
        return { ok: true, result: n * n };
      });

      const replies = await Promise.all(
        Array.from({ length: 200 }, (_, n) =>
          client.request(pattern, { n }, { timeoutMs: 10_000, correlationId: 'shared-trace' }),
        ),
      );

      expect(replies).toEqual(Array.from({ length: 200 }, (_, n) => ({ ok: true, result: n * n })));
    });

    test('RPC_TIMEOUT when nobody answers in time, and the expired request is never served later', async () => {
      const pattern = name('late');
      const client = await transport();
      const started = Date.now();
      const timedOut = client.request(
        pattern,
        { which: 'expired' },
        { timeoutMs: 300, correlationId: 'c-late' },
      );
      await expect(timedOut).rejects.toMatchObject({ code: 'RPC_TIMEOUT' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);

      const server = await transport();
      const served: unknown[] = [];
      await server.serve(pattern, async (payload) => {
        served.push(payload);
        return { ok: true, result: null };
      });
      // FIFO queue: had the expired request survived, it would be served before this one.
      await client.request(pattern, { which: 'fresh' }, { timeoutMs: 5000, correlationId: 'c-fresh' });
      expect(served).toEqual([{ which: 'fresh' }]);
    });

    test('SERVICE_UNAVAILABLE when the broker cannot be reached within the timeout', async () => {
      const nobody = `amqp://guest:guest@127.0.0.1:${await freePort()}`;
      const unreachable = new RabbitMqTransport({ url: nobody, service: 'test', connectTimeoutMs: 300 });
      const started = Date.now();
      await expect(unreachable.start()).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(Date.now() - started).toBeLessThan(3000);

      const waiting = new RabbitMqTransport({ url: nobody, service: 'test', connectTimeoutMs: 10_000 });
      const starting = waiting.start().catch((error: unknown) => error);
      const request = waiting.request(name('any'), {}, { timeoutMs: 300, correlationId: 'c' });
      await expect(request).rejects.toBeInstanceOf(DomainError);
      await expect(request).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      await waiting.close();
      await expect(starting).resolves.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    });

    test('competing servers share the load', async () => {
      const pattern = name('shared');
      const client = await transport();
      const handledBy: Record<string, number> = { a: 0, b: 0 };
      for (const id of ['a', 'b']) {
        const server = await transport({ rpcPrefetch: 4 });
        await server.serve(pattern, async () => {
          handledBy[id] += 1;
          await new Promise((resolve) => setTimeout(resolve, 2));
          return { ok: true, result: id };
        });
      }

      const replies = await Promise.all(
        Array.from({ length: 100 }, () =>
          client.request(pattern, {}, { timeoutMs: 10_000, correlationId: 'c' }),
        ),
      );

      expect(replies.every((reply) => reply.ok)).toBe(true);
      expect(handledBy.a + handledBy.b).toBe(100);
      expect(handledBy.a).toBeGreaterThanOrEqual(20);
      expect(handledBy.b).toBeGreaterThanOrEqual(20);
    });
  });

  describe('events', () => {
    test('publish resolves once confirmed and every bound queue gets its copy', async () => {
      const event = name('patient.created');
      const consumer = await transport();
      const publisher = await transport();
      const received: Record<string, { payload: unknown; meta: MessageMeta }[]> = { audit: [], care: [] };
      for (const queue of ['audit', 'care']) {
        await consumer.subscribe(event, subscription(name(queue)), async (payload, meta) => {
          received[queue].push({ payload, meta });
        });
      }

      const { messageId } = publishOptions();
      await publisher.publish(event, { id: 7 }, { messageId, correlationId: 'c-7' });
      // No queue bound: dropped, like the in-process twin, and not an error.
      await publisher.publish(name('nobody.listens'), {}, publishOptions());

      const copy = { payload: { id: 7 }, meta: { messageId, correlationId: 'c-7', attempt: 1 } };
      await expectEventually(() => expect(received).toEqual({ audit: [copy], care: [copy] }));
    });

    test('two consumers on one queue compete: each message is handled exactly once', async () => {
      const event = name('siu.received');
      const queue = name('siu');
      const handled: Record<string, string[]> = { a: [], b: [] };
      for (const id of ['a', 'b']) {
        const consumer = await transport();
        await consumer.subscribe(event, subscription(queue, { prefetch: 5 }), async (_payload, meta) => {
          handled[id].push(meta.messageId);
          await new Promise((resolve) => setTimeout(resolve, 1));
        });
      }
      const publisher = await transport();
      const ids = Array.from({ length: 200 }, () => randomUUID());

      await Promise.all(ids.map((id) => publisher.publish(event, {}, publishOptions(id))));

      await expectEventually(() => expect(handled.a.length + handled.b.length).toBe(200));
      expect(new Set([...handled.a, ...handled.b])).toEqual(new Set(ids));
      expect(handled.a.length).toBeGreaterThan(0);
      expect(handled.b.length).toBeGreaterThan(0);
    });

    test('prefetch bounds the deliveries in flight per consumer', async () => {
      const event = name('prefetch');
      const queue = name('prefetch');
      const consumer = await transport();
      const gate = deferred();
      let inFlight = 0;
      let maxInFlight = 0;
      let handled = 0;
      await consumer.subscribe(event, subscription(queue, { prefetch: 3 }), async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await gate.promise;
        inFlight -= 1;
        handled += 1;
      });
      const publisher = await transport();

      await Promise.all(Array.from({ length: 10 }, () => publisher.publish(event, {}, publishOptions())));

      await expectEventually(() => expect(inFlight).toBe(3));
      // The other 7 are still ready in the queue, not buffered in the client.
      expect((await adminChannel.checkQueue(queue)).messageCount).toBe(7);
      gate.resolve();
      await expectEventually(() => expect(handled).toBe(10));
      expect(maxInFlight).toBe(3);
    });
  });

  describe('retries and dead letters', () => {
    test('a handler failing twice then succeeding is called with attempts 1, 2, 3 after the backoff', async () => {
      const event = name('retry');
      const queue = name('retry');
      const consumer = await transport();
      const calls: { meta: MessageMeta; at: number }[] = [];
      await consumer.subscribe(
        event,
        subscription(queue, { backoffMs: 200, maxAttempts: 5 }),
        async (_p, meta) => {
          calls.push({ meta, at: Date.now() });
          if (meta.attempt < 3) throw new Error('database busy');
        },
      );
      const publisher = await transport();
      const { messageId } = publishOptions();

      await publisher.publish(event, { n: 1 }, { messageId, correlationId: 'c-r' });

      await expectEventually(() => expect(calls).toHaveLength(3));
      expect(calls.map((call) => call.meta)).toEqual(
        [1, 2, 3].map((attempt) => ({ messageId, correlationId: 'c-r', attempt })),
      );
      const gaps = [calls[1].at - calls[0].at, calls[2].at - calls[1].at];
      // backoffMs * 2^(n-1): 200 ms, then 400 ms (plus a broker round trip, generously bounded).
      expect(gaps[0]).toBeGreaterThanOrEqual(190);
      expect(gaps[0]).toBeLessThan(1200);
      expect(gaps[1]).toBeGreaterThanOrEqual(390);
      expect(gaps[1]).toBeLessThan(1400);
      expect((await adminChannel.checkQueue(`${queue}.dlq`)).messageCount).toBe(0);
    });

    test('a handler that always fails leaves the message in <queue>.dlq after maxAttempts, with the reason', async () => {
      const event = name('always-fails');
      const queue = name('always-fails');
      const consumer = await transport();
      const attempts: number[] = [];
      await consumer.subscribe(
        event,
        subscription(queue, { backoffMs: 20, maxAttempts: 3 }),
        async (_p, meta) => {
          attempts.push(meta.attempt);
          throw new Error('hospital endpoint refused');
        },
      );
      const publisher = await transport();
      const { messageId } = publishOptions();

      await publisher.publish(event, { n: 2 }, { messageId, correlationId: 'c-d' });

      const letter = await nextIn(`${queue}.dlq`);
      expect(attempts).toEqual([1, 2, 3]);
      expect(JSON.parse(letter.content.toString())).toEqual({ n: 2 });
      expect(letter.properties).toMatchObject({ messageId, correlationId: 'c-d', deliveryMode: 2 });
      expect(letter.properties.headers).toMatchObject({
        'x-death-reason': 'hospital endpoint refused',
        'x-attempt': 3,
        'x-original-queue': queue,
        'x-event': event,
      });
    });

    test('a PoisonMessageError goes to the DLQ at once', async () => {
      const event = name('poison');
      const queue = name('poison');
      const consumer = await transport();
      let calls = 0;
      await consumer.subscribe(event, subscription(queue), async () => {
        calls += 1;
        throw new PoisonMessageError('invalid payload: birthDate must be a date');
      });
      const publisher = await transport();

      await publisher.publish(event, { birthDate: 'yesterday' }, publishOptions());

      const letter = await nextIn(`${queue}.dlq`);
      expect(calls).toBe(1);
      expect(letter.properties.headers).toMatchObject({
        'x-death-reason': 'invalid payload: birthDate must be a date',
        'x-attempt': 1,
      });
    });

    test('poison and failing messages do not hold up the messages behind them', async () => {
      const event = name('mixed');
      const queue = name('mixed');
      const consumer = await transport();
      const done: string[] = [];
      const failedAt: number[] = [];
      await consumer.subscribe(
        event,
        subscription(queue, { prefetch: 1, backoffMs: 2000, maxAttempts: 2 }),
        async (payload) => {
          const { kind } = payload as { kind: string };
          if (kind === 'poison') throw new PoisonMessageError('cannot parse');
          if (kind === 'flaky') {
            failedAt.push(Date.now());
            throw new Error('try later');
          }
          done.push(kind);
        },
      );
      const publisher = await transport();

      for (const kind of ['poison', 'flaky', 'a', 'b', 'c', 'd', 'e']) {
        await publisher.publish(event, { kind }, publishOptions());
      }

      await expectEventually(() => expect(done).toEqual(['a', 'b', 'c', 'd', 'e']));
      // All five went through while the flaky one waited out its backoff, not after it.
      expect(failedAt).toHaveLength(1);
      const poison = await nextIn(`${queue}.dlq`);
      expect(JSON.parse(poison.content.toString())).toEqual({ kind: 'poison' });
      const flaky = await nextIn(`${queue}.dlq`);
      expect(JSON.parse(flaky.content.toString())).toEqual({ kind: 'flaky' });
      expect(flaky.properties.headers).toMatchObject({ 'x-death-reason': 'try later', 'x-attempt': 2 });
    });
  });

  describe('manual ack', () => {
    test('a message whose consumer dies mid-handler is redelivered to another consumer', async () => {
      const event = name('crash');
      const queue = name('crash');
      const doomed = await transport({ closeTimeoutMs: 0 });
      const picked = deferred();
      let doomedMeta: MessageMeta | undefined;
      await doomed.subscribe(event, subscription(queue), async (_payload, meta) => {
        doomedMeta = meta;
        picked.resolve();
        await new Promise(() => undefined); // stuck until the process "crashes"
      });
      const publisher = await transport();
      const { messageId } = publishOptions();
      await publisher.publish(event, { n: 5 }, { messageId, correlationId: 'c-crash' });
      await picked.promise;

      const survivor = await transport();
      const redelivered: MessageMeta[] = [];
      await survivor.subscribe(event, subscription(queue), async (_payload, meta) => {
        redelivered.push(meta);
      });
      expect(redelivered).toEqual([]); // still held, unacked, by the first consumer
      await doomed.close(); // the connection goes without an ack

      await expectEventually(() =>
        expect(redelivered).toEqual([{ messageId, correlationId: 'c-crash', attempt: 1 }]),
      );
      expect(doomedMeta?.messageId).toBe(messageId);
    });
  });

  describe('topology trouble', () => {
    test('a queue declared elsewhere with other arguments fails subscribe with the reason, not the process', async () => {
      const queue = name('clash');
      await adminChannel.assertQueue(queue, { durable: false, autoDelete: true });
      const consumer = await transport();

      await expect(
        consumer.subscribe(name('clash'), subscription(queue), async () => undefined),
      ).rejects.toThrow(/PRECONDITION_FAILED/);

      // The transport itself is unharmed: it still publishes, consumes and reports healthy.
      const received: string[] = [];
      await consumer.subscribe(name('fine'), subscription(name('fine')), async (_p, meta) => {
        received.push(meta.messageId);
      });
      const { messageId } = publishOptions();
      await consumer.publish(name('fine'), {}, { messageId, correlationId: 'c' });
      await expectEventually(() => expect(received).toEqual([messageId]));
      expect(await consumer.health()).toMatchObject({ ok: true });
      await adminChannel.deleteQueue(queue);
    });

    test('a consumer whose queue is deleted under it declares it again and keeps consuming', async () => {
      const event = name('deleted');
      const queue = name('deleted');
      const consumer = await transport();
      const received: string[] = [];
      await consumer.subscribe(event, subscription(queue), async (_p, meta) => {
        received.push(meta.messageId);
      });

      await adminChannel.deleteQueue(queue);

      await expectEventually(async () => {
        // checkQueue on a missing queue closes its channel: use a throwaway one per try.
        const probe = await admin.createChannel();
        probe.on('error', () => undefined);
        try {
          expect((await probe.checkQueue(queue)).consumerCount).toBe(1);
        } finally {
          await probe.close().catch(() => undefined);
        }
      });
      const { messageId } = publishOptions();
      await consumer.publish(event, {}, { messageId, correlationId: 'c' });
      await expectEventually(() => expect(received).toEqual([messageId]));
    });
  });

  (canLaunch ? describe : describe.skip)('broker outages', () => {
    test('connections closed by the broker (rabbitmqctl) are re-established and consuming resumes', async () => {
      const broker = await privateBroker();
      const options = { url: broker.url, reconnectMs: 500 };
      const event = name('forced');
      const consumer = await transport(options);
      const received: string[] = [];
      await consumer.subscribe(event, subscription(name('forced')), async (_p, meta) => {
        received.push(meta.messageId);
      });
      const publisher = await transport(options);

      await broker.ctl('close_all_connections', 'test: forced close');
      // The publisher waits for its reconnect; the consumer re-attaches on its own.
      const { messageId } = publishOptions();
      await publisher.publish(event, {}, { messageId, correlationId: 'c' });

      await expectEventually(() => expect(received).toEqual([messageId]));
      expect(await consumer.health()).toMatchObject({ ok: true });
    });

    test('2,000 events published across a broker restart all reach the consumer, none lost', async () => {
      const broker = await privateBroker();
      const restartUrl = broker.url;
      const options = {
        url: restartUrl,
        reconnectMs: 500,
        publishTimeoutMs: 45_000,
        connectTimeoutMs: 45_000,
      };
      const event = name('restart');
      const queue = name('restart');
      const consumer = await transport(options);
      const seen = new Set<string>();
      let deliveries = 0;
      await consumer.subscribe(event, subscription(queue, { prefetch: 50 }), async (_payload, meta) => {
        deliveries += 1;
        seen.add(meta.messageId); // what the inbox does
      });
      const publisher = await transport(options);
      const ids = Array.from({ length: 2000 }, () => randomUUID());
      const started = Date.now();

      let restarting: Promise<void> | undefined;
      try {
        for (let chunk = 0; chunk < 20; chunk++) {
          const sending = ids
            .slice(chunk * 100, chunk * 100 + 100)
            .map((id, i) => publisher.publish(event, { i }, publishOptions(id)));
          // Kill the broker with a chunk in flight, then keep publishing into the outage.
          if (chunk === 10) {
            restarting = broker.restart();
            // Meanwhile RPC callers get a clear answer within their timeout, and health says why.
            await expect(
              publisher.request(name('outage'), {}, { timeoutMs: 500, correlationId: 'c' }),
            ).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
            await expectEventually(async () => expect(await consumer.health()).toMatchObject({ ok: false }));
          }
          await Promise.all(sending);
        }
      } finally {
        await restarting;
      }
      const published = Date.now() - started;

      await expectEventually(() => expect(seen.size).toBe(2000), { timeoutMs: 30_000 });
      expect(ids.every((id) => seen.has(id))).toBe(true);
      await expectEventually(async () => expect(await consumer.health()).toMatchObject({ ok: true }));
      await expectEventually(async () => expect(await publisher.health()).toMatchObject({ ok: true }));
      console.log(
        `restart: 2000 published in ${published} ms (broker back in ${broker.lastStartMs} ms), ` +
          `${deliveries} deliveries for ${seen.size} ids`,
      );
    });
  });
});
