import { expectEventually } from '@bridge/testing';
import { PoisonMessageError } from '../transport';
import { InProcessBroker } from './in-process.broker';

const meta = (messageId: string) => ({ messageId, correlationId: 'c', attempt: 1 });
const options = { queue: 'test.queue', prefetch: 2, maxAttempts: 3, backoffMs: 5 };

describe('InProcessBroker', () => {
  it('retries a failing delivery with growing attempts, then dead-letters it with the reason', async () => {
    const broker = new InProcessBroker();
    const attempts: number[] = [];
    broker.subscribe({}, 'thing.happened.v1', options, async (_payload, delivery) => {
      attempts.push(delivery.attempt);
      throw new Error('database down');
    });
    await broker.publish('thing.happened.v1', { n: 1 }, meta('m1'));
    await expectEventually(() => expect(broker.deadLetters).toHaveLength(1));
    expect(attempts).toEqual([1, 2, 3]);
    expect(broker.deadLetters[0]).toMatchObject({
      queue: 'test.queue',
      messageId: 'm1',
      reason: 'database down',
    });
  });

  it('dead-letters a poison message at once and keeps delivering the ones behind it', async () => {
    const broker = new InProcessBroker();
    const handled: string[] = [];
    broker.subscribe({}, 'thing.happened.v1', options, async (payload) => {
      const { id } = payload as { id: string };
      if (id === 'poison') throw new PoisonMessageError('invalid payload');
      handled.push(id);
    });
    for (const id of ['a', 'poison', 'b', 'c']) await broker.publish('thing.happened.v1', { id }, meta(id));
    await expectEventually(() => expect(handled.sort()).toEqual(['a', 'b', 'c']));
    expect(broker.deadLetters.map((letter) => letter.messageId)).toEqual(['poison']);
  });

  it('shares one queue between competing consumers: each message is handled once', async () => {
    const broker = new InProcessBroker();
    const byConsumer: Record<string, string[]> = { first: [], second: [] };
    for (const name of ['first', 'second']) {
      broker.subscribe({}, 'thing.happened.v1', options, async (payload) => {
        byConsumer[name].push((payload as { id: string }).id);
      });
    }
    const ids = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const id of ids) await broker.publish('thing.happened.v1', { id }, meta(id));
    await expectEventually(() =>
      expect([...byConsumer.first, ...byConsumer.second].sort()).toEqual([...ids].sort()),
    );
    expect(byConsumer.first.length).toBeGreaterThan(0);
    expect(byConsumer.second.length).toBeGreaterThan(0);
  });

  it("keeps a paused queue's messages until it is resumed, in order", async () => {
    const broker = new InProcessBroker();
    const handled: string[] = [];
    broker.subscribe({}, 'thing.happened.v1', options, async (payload) => {
      handled.push((payload as { id: string }).id);
    });
    const resume = broker.pause(options.queue);
    for (const id of ['a', 'b', 'c']) await broker.publish('thing.happened.v1', { id }, meta(id));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handled).toEqual([]);
    resume();
    await expectEventually(() => expect(handled).toEqual(['a', 'b', 'c']));
  });
});

describe('InProcessBroker flow control', () => {
  const settled = async (promise: Promise<void>) => {
    let done = false;
    void promise.then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    return done;
  };

  it('makes a publisher wait while a queue holds its bound, and lets it go once the consumer catches up', async () => {
    const broker = new InProcessBroker({ queueBound: 2 });
    const handled: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    broker.subscribe({}, 'thing.happened.v1', { ...options, prefetch: 1 }, async (payload) => {
      await gate;
      handled.push((payload as { id: string }).id);
    });
    // a is in flight, b and c wait in the queue: d finds it full.
    for (const id of ['a', 'b', 'c']) await broker.publish('thing.happened.v1', { id }, meta(id));
    const d = broker.publish('thing.happened.v1', { id: 'd' }, meta('d'));
    expect(await settled(d)).toBe(false);
    open();
    await d;
    await expectEventually(() => expect(handled).toEqual(['a', 'b', 'c', 'd']));
  });

  it('never holds a publisher back on a queue nobody drains (paused, or no consumer left)', async () => {
    const broker = new InProcessBroker({ queueBound: 1 });
    const owner = {};
    broker.subscribe(owner, 'thing.happened.v1', options, async () => undefined);
    const resume = broker.pause(options.queue);
    for (const id of ['a', 'b', 'c'])
      expect(await settled(broker.publish('thing.happened.v1', { id }, meta(id)))).toBe(true);
    resume();

    const stuck = new InProcessBroker({ queueBound: 1 });
    const consumer = {};
    stuck.subscribe(
      consumer,
      'thing.happened.v1',
      { ...options, prefetch: 1 },
      () => new Promise<void>(() => undefined),
    );
    for (const id of ['a', 'b']) await stuck.publish('thing.happened.v1', { id }, meta(id));
    const waiting = stuck.publish('thing.happened.v1', { id: 'c' }, meta('c'));
    expect(await settled(waiting)).toBe(false);
    // Its consumer goes away (the service stops): the publisher is let go, the queue keeps the message.
    stuck.detach(consumer);
    await waiting;
  });

  it('routes an event routed by hospital to a byHospital queue only for the hospitals routed to it', async () => {
    const broker = new InProcessBroker();
    const event = 'patients.patient.upserted.v1';
    const [routed, other] = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
    const scoped: string[] = [];
    const everyone: string[] = [];
    broker.subscribe({}, event, { ...options, queue: 'scoped', byHospital: true }, async (payload) => {
      scoped.push((payload as { id: string }).id);
    });
    broker.subscribe({}, event, { ...options, queue: 'everyone' }, async (payload) => {
      everyone.push((payload as { id: string }).id);
    });
    // Not routed yet (just started): the byHospital queue takes every hospital's events, so none is lost.
    await broker.publish(event, { id: 'before', hospitalId: other }, meta('before'));
    broker.routeHospitals('scoped', event, [routed]);
    await broker.publish(event, { id: 'routed', hospitalId: routed }, meta('routed'));
    await broker.publish(event, { id: 'other', hospitalId: other }, meta('other'));
    await broker.publish(event, { id: 'no-hospital' }, meta('no-hospital'));
    await expectEventually(() => expect(everyone).toHaveLength(4));
    await expectEventually(() => expect(scoped.sort()).toEqual(['before', 'no-hospital', 'routed']));
    // An event not routed by hospital reaches a byHospital queue whatever hospital it names.
    broker.subscribe(
      {},
      'thing.happened.v1',
      { ...options, queue: 'scoped', byHospital: true },
      async (payload) => {
        scoped.push((payload as { id: string }).id);
      },
    );
    await broker.publish('thing.happened.v1', { id: 'unrouted-event', hospitalId: other }, meta('u'));
    await expectEventually(() => expect(scoped).toContain('unrouted-event'));
  });
});
