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
