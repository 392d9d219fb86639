import { ExpiringCache } from './expiring-cache';

describe('ExpiringCache', () => {
  it('shares one lookup among concurrent misses and asks again once the answer expired', async () => {
    const cache = new ExpiringCache<boolean>({ ttlMs: 1000, maxEntries: 10 });
    let lookups = 0;
    const load = async () => (lookups++, true);
    await Promise.all([cache.get('a', load), cache.get('a', load), cache.get('a', load)]);
    expect(lookups).toBe(1);
    await cache.get('a', load, Date.now() + 500);
    expect(lookups).toBe(1);
    await cache.get('a', load, Date.now() + 1500);
    expect(lookups).toBe(2);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const cache = new ExpiringCache<number>({ ttlMs: 60_000, maxEntries: 2 });
    let lookups = 0;
    for (const key of ['a', 'b', 'c']) await cache.get(key, async () => ++lookups);
    await cache.get('c', async () => ++lookups);
    expect(lookups).toBe(3);
    await cache.get('a', async () => ++lookups);
    expect(lookups).toBe(4);
  });

  it('does not remember a failed lookup', async () => {
    const cache = new ExpiringCache<number>({ ttlMs: 60_000, maxEntries: 2 });
    await expect(cache.get('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(cache.get('a', async () => 1)).resolves.toBe(1);
  });
});

describe('ExpiringCache with staleMs', () => {
  it('answers from the expired entry while one background lookup refreshes it, and waits past the stale window', async () => {
    const cache = new ExpiringCache<string>({ ttlMs: 1000, maxEntries: 10, staleMs: 1000 });
    const start = Date.now();
    await cache.get('a', async () => 'first');
    let release!: (value: string) => void;
    let lookups = 0;
    const slow = () => (lookups++, new Promise<string>((resolve) => (release = resolve)));

    // Expired but within the stale window: the old answer at once, one refresh for both callers.
    await expect(cache.get('a', slow, start + 1500)).resolves.toBe('first');
    await expect(cache.get('a', slow, start + 1600)).resolves.toBe('first');
    expect(lookups).toBe(1);
    release('second');
    await new Promise((resolve) => setImmediate(resolve));
    await expect(cache.get('a', slow, Date.now())).resolves.toBe('second');
    expect(lookups).toBe(1);

    // Past ttl + staleMs the caller waits for a fresh answer.
    const waiting = cache.get('a', slow, Date.now() + 2500);
    release('third');
    await expect(waiting).resolves.toBe('third');
    expect(lookups).toBe(2);
  });
});
