/**
 * What the RabbitMQ transport must never get wrong, against a real broker (see rabbitmq-transport.harness.ts):
 * RPC replies reach their caller, every bound queue gets its copy, each message is handled once, nothing is
 * lost across a consumer crash or a broker restart, failures end in the dead letter queue with the reason.
 * Not retried: a no-loss test that passes on its third try has failed (issue 11). Timing-bound tests live in
 * rabbitmq-transport.e2e-spec.ts.
 */
import { PoisonMessageError, type MessageMeta } from '@bridge/messaging';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectEventually } from '../../../libs/testing/src/rabbitmq';
import { writeCallsOf } from '../../../libs/testing/src/work-cost';
import { amqpFrameTap } from './amqp-frame-tap';
import {
  canLaunch,
  closeTransports,
  deferred,
  name,
  nextIn,
  privateBroker,
  publishOptions,
  rabbit,
  subscription,
  suite,
  transport,
  useBroker,
} from './rabbitmq-transport.harness';

suite('RabbitMQ transport: delivery and no loss (real broker, not retried)', () => {
  useBroker();

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

    test("a turn's frames leave in one socket write: 100 requests sent together cost a few write calls", async () => {
      const pattern = name('count');
      const server = await transport();
      const client = await transport();
      await server.serve(pattern, async () => ({ ok: true, result: 'ok' }));
      await client.request(pattern, {}, { timeoutMs: 5000, correlationId: 'warm-up' }); // the reply consumer and channels are set up

      const before = writeCallsOf('self');
      const replies = await Promise.all(
        Array.from({ length: 100 }, () =>
          client.request(pattern, {}, { timeoutMs: 10_000, correlationId: 'together' }),
        ),
      );
      const calls = writeCallsOf('self') - before;

      expect(replies).toHaveLength(100);
      // Client and server share this process: one write per frame would be 200 (100 requests, 100 replies),
      // more with the acks. Coalesced, a turn's frames go together; the bound leaves room for how the
      // replies happen to spread over turns.
      expect(calls).toBeLessThan(40);
    });

    test('an RPC costs no confirm frames: the broker sends the request to the server and the reply to the client, nothing else', async () => {
      const tap = await amqpFrameTap(rabbit.url);
      try {
        const pattern = name('unconfirmed');
        const server = await transport({ url: tap.url });
        const client = await transport({ url: tap.url });
        await server.serve(pattern, async () => ({ ok: true, result: 'ok' }));
        await client.request(pattern, {}, { timeoutMs: 5000, correlationId: 'warm-up' });

        tap.reset();
        for (let i = 0; i < 50; i++) {
          await client.request(pattern, { i }, { timeoutMs: 5000, correlationId: 'one-by-one' });
        }

        // A publisher confirm for each request (to the client) and each reply (to the server) would be 100
        // basic.ack frames from the broker, each a wake-up of the service it goes to.
        expect(Object.fromEntries(tap.fromBroker())).toEqual({ 'basic.deliver': 100 });
      } finally {
        await closeTransports();
        await tap.close();
      }
    });
  });

  describe('RPC requests grouped per turn (rpc-grouping.ts)', () => {
    test("a turn's requests to a pattern travel in groups of 8 and their replies come back grouped: 20 requests, 6 deliveries", async () => {
      const tap = await amqpFrameTap(rabbit.url);
      try {
        const pattern = name('grouped');
        const server = await transport({ url: tap.url });
        const client = await transport({ url: tap.url });
        const seen: string[] = [];
        await server.serve(pattern, async (payload, meta) => {
          seen.push(meta.messageId);
          return { ok: true, result: (payload as { n: number }).n * 2 };
        });
        await client.request(pattern, { n: 0 }, { timeoutMs: 5000, correlationId: 'warm-up' });
        seen.length = 0;

        tap.reset();
        const replies = await Promise.all(
          Array.from({ length: 20 }, (_, n) =>
            client.request(pattern, { n }, { timeoutMs: 5000, correlationId: `c-${n}` }),
          ),
        );

        expect(replies).toEqual(Array.from({ length: 20 }, (_, n) => ({ ok: true, result: n * 2 })));
        // Three groups (8, 8, 4) to the server, each answered in one turn: one grouped reply each. One by one
        // it would be 40 deliveries, each a wake-up of the service it goes to.
        expect(Object.fromEntries(tap.fromBroker())).toEqual({ 'basic.deliver': 6 });
        expect(new Set(seen).size).toBe(20); // every request handled once, under its own id
      } finally {
        await closeTransports();
        await tap.close();
      }
    });

    test('each request of a group is handled and answered on its own: one failing fails alone, the slow one does not hold the others', async () => {
      const pattern = name('grouped-alone');
      const server = await transport();
      const client = await transport();
      const slow = deferred();
      await server.serve(pattern, async (payload) => {
        const { n } = payload as { n: number };
        if (n === 3) throw new Error('a bug in one handler');
        if (n === 5) await slow.promise;
        return { ok: true, result: n };
      });
      const calls = Array.from({ length: 6 }, (_, n) =>
        client.request(pattern, { n }, { timeoutMs: 10_000, correlationId: `c-${n}` }),
      );

      const fast = await Promise.all(calls.slice(0, 5));
      expect(fast).toEqual([
        { ok: true, result: 0 },
        { ok: true, result: 1 },
        { ok: true, result: 2 },
        { ok: false, error: expect.objectContaining({ code: 'INTERNAL_ERROR' }) },
        { ok: true, result: 4 },
      ]);
      slow.resolve();
      await expect(calls[5]).resolves.toEqual({ ok: true, result: 5 });
    });

    test('a group whose server dies mid-way goes whole to another instance, and every caller gets a reply', async () => {
      const pattern = name('grouped-crash');
      const doomed = await transport({ closeTimeoutMs: 0 });
      const picked: number[] = [];
      const allPicked = deferred();
      await doomed.serve(pattern, async (payload) => {
        const { n } = payload as { n: number };
        picked.push(n);
        if (n === 1) await new Promise(() => undefined); // stuck until the process "crashes"
        if (picked.length === 3) allPicked.resolve();
        return { ok: true, result: `doomed ${n}` };
      });
      const client = await transport();
      const calls = [0, 1, 2].map((n) =>
        client.request(pattern, { n }, { timeoutMs: 10_000, correlationId: `c-${n}` }),
      );
      await allPicked.promise;

      const survivor = await transport();
      await survivor.serve(pattern, async (payload) => ({
        ok: true,
        result: `survivor ${(payload as { n: number }).n}`,
      }));
      await doomed.close(); // the group goes back unacked: request 1 was never answered

      // 0 and 2 were answered by the doomed server before it died (their second reply is ignored); 1 by the
      // survivor, which got the whole group again.
      await expect(Promise.all(calls)).resolves.toEqual([
        { ok: true, result: 'doomed 0' },
        { ok: true, result: 'survivor 1' },
        { ok: true, result: 'doomed 2' },
      ]);
    });

    test('a grouped message from another publisher: members past their deadline and unreadable groups are not handled', async () => {
      const pattern = name('grouped-raw');
      const server = await transport();
      const handled: unknown[] = [];
      await server.serve(pattern, async (payload) => {
        handled.push(payload);
        return { ok: true, result: 'ok' };
      });
      const replies = name('grouped-raw-replies');
      await rabbit.adminChannel.assertQueue(replies, { durable: false });
      const send = (messageId: string, body: unknown) =>
        rabbit.adminChannel.sendToQueue(`rpc.${pattern}`, Buffer.from(JSON.stringify(body)), {
          messageId,
          replyTo: replies,
          contentType: 'application/json',
          headers: { 'x-requests': Array.isArray(body) ? body.length : 1 },
        });

      send('not-a-list', { not: 'a list' });
      send('no-deadline', [{ id: 'no-deadline', correlationId: 'c', payload: { n: 0 } }]);
      send('late-and-live', [
        { id: 'late', correlationId: 'c', deadline: Date.now() - 1, payload: { n: 1 } },
        { id: 'live', correlationId: 'c', deadline: Date.now() + 60_000, payload: { n: 2 } },
      ]);

      const reply = await nextIn(replies);
      expect(reply.properties.correlationId).toBe('late-and-live');
      expect(reply.properties.headers?.['x-replies']).toBe(1);
      expect(JSON.parse(reply.content.toString('utf8'))).toEqual([['live', { ok: true, result: 'ok' }]]);
      expect(handled).toEqual([{ n: 2 }]);
      // The unreadable groups were acked and dropped, not left to be redelivered forever.
      await expectEventually(async () =>
        expect((await rabbit.adminChannel.checkQueue(`rpc.${pattern}`)).messageCount).toBe(0),
      );
    });
  });

  describe('events', () => {
    test('publish resolves once confirmed and every bound queue gets its copy', async () => {
      const event = name('patient.created');
      const consumer = await transport();
      // Settled at once: right after a connect an unrouted event is held (rabbitmq-routing-settle.e2e-spec.ts).
      const publisher = await transport({ routingSettleMs: 0 });
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
      expect((await rabbit.adminChannel.checkQueue(queue)).messageCount).toBe(7);
      gate.resolve();
      await expectEventually(() => expect(handled).toBe(10));
      expect(maxInFlight).toBe(3);
    });
  });

  describe('routing by hospital', () => {
    test('a byHospital queue gets a routed event of its routed hospitals only; an ordinary queue gets them all', async () => {
      const event = 'patients.patient.upserted.v1'; // in EVENTS_ROUTED_BY_HOSPITAL
      const [routed, other, routedLater] = [randomUUID(), randomUUID(), randomUUID()];
      const webhooks = name('webhooks');
      const trace = name('trace');
      const consumer = await transport();
      // A route may come before the subscription (another instance routed the hospital): it holds.
      await consumer.routeHospitals(webhooks, event, [routed]);
      const received: Record<string, string[]> = { webhooks: [], trace: [] };
      await consumer.subscribe(event, { ...subscription(webhooks), byHospital: true }, async (payload) => {
        received.webhooks.push((payload as { id: string }).id);
      });
      await consumer.subscribe(event, subscription(trace), async (payload) => {
        received.trace.push((payload as { id: string }).id);
      });
      await consumer.routeHospitals(webhooks, event, [routedLater]);
      const publisher = await transport();
      const sent: [string, string | undefined][] = [
        ['routed', routed],
        ['other', other],
        ['routed-later', routedLater],
        ['no-hospital', undefined],
      ];
      for (const [id, hospitalId] of sent)
        await publisher.publish(event, { id, ...(hospitalId ? { hospitalId } : {}) }, publishOptions());

      await expectEventually(() =>
        expect(received.trace.sort()).toEqual(['no-hospital', 'other', 'routed', 'routed-later']),
      );
      await expectEventually(() =>
        expect(received.webhooks.sort()).toEqual(['no-hospital', 'routed', 'routed-later']),
      );
      // The other hospital's copy was never stored in the queue: dropped by the exchange, not by the consumer.
      expect((await rabbit.adminChannel.checkQueue(webhooks)).messageCount).toBe(0);
    });

    test('a routed event dead-lettered from a byHospital queue keeps its event name', async () => {
      const event = 'careflows.careflow.changed.v1';
      const hospitalId = randomUUID();
      const queue = name('careflow-webhooks');
      const consumer = await transport();
      await consumer.subscribe(
        event,
        { ...subscription(queue, { backoffMs: 20, maxAttempts: 2 }), byHospital: true },
        async () => {
          throw new Error('receiver down');
        },
      );
      await consumer.routeHospitals(queue, event, [hospitalId]);
      const publisher = await transport();

      await publisher.publish(event, { hospitalId }, publishOptions());

      const letter = await nextIn(`${queue}.dlq`);
      expect(letter.properties.headers).toMatchObject({ 'x-event': event, 'x-attempt': 2 });
    });
  });

  describe('dead letters', () => {
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
      await rabbit.adminChannel.assertQueue(queue, { durable: false, autoDelete: true });
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
      await rabbit.adminChannel.deleteQueue(queue);
    });

    test('a consumer whose queue is deleted under it declares it again and keeps consuming', async () => {
      const event = name('deleted');
      const queue = name('deleted');
      const consumer = await transport();
      const received: string[] = [];
      await consumer.subscribe(event, subscription(queue), async (_p, meta) => {
        received.push(meta.messageId);
      });

      await rabbit.adminChannel.deleteQueue(queue);

      await expectEventually(async () => {
        // checkQueue on a missing queue closes its channel: use a throwaway one per try.
        const probe = await rabbit.admin.createChannel();
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

      await expectEventually(() => expect(seen.size).toBe(2000), { timeoutMs: 30_000 }).catch(
        async (error: Error) => {
          // Lost by the broker, or still queued for a consumer that stopped taking them? Say which.
          const missing = ids.filter((id) => !seen.has(id));
          const queues = await broker
            .ctl('list_queues', 'name', 'messages_ready', 'messages_unacknowledged', 'consumers')
            .catch((ctlError: Error) => ctlError.message);
          const log = await readFile(join(broker.dir, 'log', `${broker.nodeName}.log`), 'utf8')
            .then((text) =>
              text
                .split('\n')
                .filter((line) => !/accepting AMQP|closing AMQP|client unexpectedly/.test(line))
                .slice(-40)
                .join('\n'),
            )
            .catch((logError: Error) => logError.message);
          throw new Error(
            `${error.message}\nmissing ${missing.length}, first of them at publish index ${ids.indexOf(missing[0]!)}; ` +
              `consumer ${JSON.stringify(await consumer.health())}, publisher ${JSON.stringify(await publisher.health())}\n` +
              `queues:\n${queues}\nbroker log:\n${log}`,
          );
        },
      );
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
