import { ConcurrencyGate } from './concurrency-gate';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('ConcurrencyGate', () => {
  it('runs at most `concurrent` tasks at once, the rest in arrival order, and refuses beyond `waiting`', async () => {
    const gate = new ConcurrencyGate({ concurrent: 2, waiting: 3, busyMessage: 'busy' });
    const started: number[] = [];
    const blockers = Array.from({ length: 5 }, deferred);
    const runs = blockers.map((blocker, index) =>
      gate.run(async () => {
        started.push(index);
        await blocker.promise;
        return index;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    await expect(gate.run(async () => 'too many')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    blockers[1].resolve();
    await runs[1];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    for (const blocker of blockers) blocker.resolve();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    await expect(gate.run(async () => 'free again')).resolves.toBe('free again');
  });

  it('frees the slot when a task fails', async () => {
    const gate = new ConcurrencyGate({ concurrent: 1, waiting: 1, busyMessage: 'busy' });
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });

  it('refuses a task that waited longer than maxWaitMs when its turn comes, and runs the next', async () => {
    let clock = 0;
    const gate = new ConcurrencyGate({
      concurrent: 1,
      waiting: 10,
      maxWaitMs: 100,
      busyMessage: 'busy',
      now: () => clock,
    });
    const first = deferred();
    const running = gate.run(() => first.promise);
    const stale = gate.run(async () => 'stale ran');
    clock = 50;
    const fresh = gate.run(async () => 'fresh ran');
    clock = 120;
    first.resolve();
    await running;
    await expect(stale).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await expect(fresh).resolves.toBe('fresh ran');
  });
});
