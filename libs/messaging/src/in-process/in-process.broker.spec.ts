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
    broker.publish('thing.happened.v1', { n: 1 }, meta('m1'));
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
    for (const id of ['a', 'poison', 'b', 'c']) broker.publish('thing.happened.v1', { id }, meta(id));
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
    for (const id of ids) broker.publish('thing.happened.v1', { id }, meta(id));
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
    for (const id of ['a', 'b', 'c']) broker.publish('thing.happened.v1', { id }, meta(id));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handled).toEqual([]);
    resume();
    await expectEventually(() => expect(handled).toEqual(['a', 'b', 'c']));
  });
});
