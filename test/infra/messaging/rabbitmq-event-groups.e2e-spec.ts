/**
 * A hospital's routed events published in one turn travel as one message (event-grouping.ts), against a real
 * broker: fewer deliveries, and still each event handled, retried and dead-lettered on its own.
 */
import type { MessageMeta } from '@bridge/messaging';
import { PoisonMessageError } from '@bridge/messaging';
import { randomUUID } from 'node:crypto';
import { expectEventually } from '../../../libs/testing/src/rabbitmq';
import { amqpFrameTap } from './amqp-frame-tap';
import {
  closeTransports,
  name,
  nextIn,
  publishOptions,
  rabbit,
  subscription,
  suite,
  transport,
  useBroker,
} from './rabbitmq-transport.harness';

/** In EVENTS_ROUTED_BY_HOSPITAL: grouped per hospital. */
const ROUTED = 'patients.patient.upserted.v1';

suite('RabbitMQ transport: events grouped per turn (real broker)', () => {
  useBroker();

  test("a hospital's routed events of one turn go in messages of up to 100, each handled once with its own ids and trace", async () => {
    const tap = await amqpFrameTap(rabbit.url);
    try {
      const [hospital, other] = [randomUUID(), randomUUID()];
      const unrouted = name('unrouted');
      const consumer = await transport({ url: tap.url });
      const publisher = await transport({ url: tap.url });
      const handled: { n: number; meta: MessageMeta }[] = [];
      await consumer.subscribe(ROUTED, subscription(name('grouped')), async (payload, meta) => {
        handled.push({ n: (payload as { n: number }).n, meta });
      });
      let unroutedHandled = 0;
      await consumer.subscribe(unrouted, subscription(name('unrouted')), async () => {
        unroutedHandled += 1;
      });
      const traceparent = (n: number) => `00-${'1'.repeat(31)}${n % 10}-${'2'.repeat(16)}-01`;
      const sent = Array.from({ length: 160 }, (_, n) => ({
        n,
        hospitalId: n < 150 ? hospital : other,
        options: { messageId: randomUUID(), correlationId: `c-${n}`, traceparent: traceparent(n) },
      }));

      tap.reset();
      await Promise.all([
        ...sent.map(({ n, hospitalId, options }) => publisher.publish(ROUTED, { n, hospitalId }, options)),
        ...Array.from({ length: 5 }, () => publisher.publish(unrouted, {}, publishOptions())),
      ]);

      await expectEventually(() => expect(handled).toHaveLength(160));
      await expectEventually(() => expect(unroutedHandled).toBe(5));
      // The hospital's 150 in two messages (100 and 50), the other hospital's 10 in one; the five events that
      // are not routed by hospital one each. One by one it would be 165 deliveries.
      expect(Object.fromEntries(tap.fromBroker())).toMatchObject({ 'basic.deliver': 3 + 5 });
      for (const hospitalId of [hospital, other]) {
        const expected = sent.filter((event) => event.hospitalId === hospitalId);
        // Sorted: two messages of one hospital may be handled side by side (prefetch), as single events are.
        const got = handled
          .filter(({ n }) => expected.some((event) => event.n === n))
          .sort((a, b) => a.n - b.n);
        expect(got).toEqual(expected.map(({ n, options }) => ({ n, meta: { ...options, attempt: 1 } })));
      }
    } finally {
      await closeTransports();
      await tap.close();
    }
  });

  test('an event of a group that fails is retried alone, one that is poison is dead-lettered alone; the others are handled once', async () => {
    const queue = name('grouped-failures');
    const hospitalId = randomUUID();
    const consumer = await transport();
    const calls: string[] = [];
    await consumer.subscribe(
      ROUTED,
      subscription(queue, { backoffMs: 20, maxAttempts: 3 }),
      async (payload, meta) => {
        const { n } = payload as { n: number };
        calls.push(`${n}@${meta.attempt}`);
        if (n === 1 && meta.attempt === 1) throw new Error('database restarting');
        if (n === 3) throw new PoisonMessageError('invalid payload');
      },
    );
    const publisher = await transport();
    const ids = Array.from({ length: 5 }, () => randomUUID());

    await Promise.all(
      ids.map((messageId, n) =>
        publisher.publish(ROUTED, { n, hospitalId }, { messageId, correlationId: `c-${n}` }),
      ),
    );

    await expectEventually(() => expect(calls).toContain('1@2'));
    expect(calls.sort()).toEqual(['0@1', '1@1', '1@2', '2@1', '3@1', '4@1']);
    const letter = await nextIn(`${queue}.dlq`);
    expect(JSON.parse(letter.content.toString('utf8'))).toEqual({ n: 3, hospitalId });
    expect(letter.properties).toMatchObject({ messageId: ids[3], correlationId: 'c-3' });
    expect(letter.properties.headers).toMatchObject({
      'x-event': ROUTED,
      'x-death-reason': 'invalid payload',
    });
    expect(letter.properties.headers?.['x-events']).toBeUndefined();
    await expectEventually(async () =>
      expect((await rabbit.adminChannel.checkQueue(queue)).messageCount).toBe(0),
    );
  });

  test('a grouped message that is not a readable group goes to the DLQ as it came, unhandled', async () => {
    const queue = name('grouped-unreadable');
    const consumer = await transport();
    let calls = 0;
    await consumer.subscribe(ROUTED, subscription(queue), async () => {
      calls += 1;
    });
    const body = Buffer.from(JSON.stringify([{ correlationId: 'c', payload: {} }]));

    rabbit.adminChannel.sendToQueue(queue, body, {
      messageId: 'not-a-group',
      contentType: 'application/json',
      headers: { 'x-events': 1 },
    });

    const letter = await nextIn(`${queue}.dlq`);
    expect(letter.content).toEqual(body);
    expect(letter.properties.messageId).toBe('not-a-group');
    expect(String(letter.properties.headers?.['x-death-reason'])).toMatch(/grouped event 0 lacks an id/);
    expect(calls).toBe(0);
  });
});
