import { FailedAttempts } from './failed-attempts';

const policy = { limit: 3, windowMs: 1000, blockMs: 100, maxBlockMs: 1000 };

describe('FailedAttempts', () => {
  it('blocks a key at the limit within the window, not other keys, and unblocks after the block', () => {
    const attempts = new FailedAttempts(policy);
    attempts.record('client', 0);
    attempts.record('client', 10);
    expect(attempts.retryAfterMs('client', 20)).toBe(0);
    attempts.record('client', 20);
    expect(attempts.retryAfterMs('client', 30)).toBe(90);
    expect(attempts.retryAfterMs('other', 30)).toBe(0);
    expect(attempts.retryAfterMs('client', 120)).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const attempts = new FailedAttempts(policy);
    attempts.record('client', 0);
    attempts.record('client', 10);
    attempts.record('client', 1500);
    expect(attempts.retryAfterMs('client', 1501)).toBe(0);
  });

  it('doubles each further block up to the longest, and starts over after a quiet spell', () => {
    const attempts = new FailedAttempts(policy);
    const blocks: number[] = [];
    let now = 0;
    for (let block = 0; block < 6; block += 1) {
      for (let failure = 0; failure < 3; failure += 1) attempts.record('client', now);
      blocks.push(attempts.retryAfterMs('client', now));
      now += blocks[blocks.length - 1];
    }
    expect(blocks).toEqual([100, 200, 400, 800, 1000, 1000]);
    now += 5000;
    for (let failure = 0; failure < 3; failure += 1) attempts.record('client', now);
    expect(attempts.retryAfterMs('client', now)).toBe(100);
  });

  it('clear forgives a key', () => {
    const attempts = new FailedAttempts(policy);
    for (let failure = 0; failure < 3; failure += 1) attempts.record('client', 0);
    attempts.clear('client');
    expect(attempts.retryAfterMs('client', 1)).toBe(0);
  });

  it('holds at most maxKeys keys whatever is sent, evicting the least recently failed', () => {
    const attempts = new FailedAttempts(policy, 1000);
    for (let failure = 0; failure < 3; failure += 1) attempts.record('blocked', 0);
    for (let key = 0; key < 999; key += 1) attempts.record(`k${key}`, 1);
    attempts.record('blocked', 2);
    attempts.record('k0', 2);
    attempts.record('newest', 3);
    expect(attempts.size).toBe(1000);
    // k1 was the least recently failed: gone (a fresh count); 'blocked' and k0 failed again later: kept.
    for (let failure = 0; failure < 2; failure += 1) attempts.record('k1', 4);
    attempts.record('k0', 4);
    expect(attempts.retryAfterMs('k1', 5)).toBe(0);
    expect(attempts.retryAfterMs('k0', 5)).toBeGreaterThan(0);
    expect(attempts.retryAfterMs('blocked', 5)).toBeGreaterThan(0);

    for (let key = 0; key < 50_000; key += 1) attempts.record(`attacker-${key}-${'x'.repeat(key % 500)}`, 6);
    expect(attempts.size).toBe(1000);
    expect(attempts.retryAfterMs('blocked', 7)).toBe(0);
  });
});
