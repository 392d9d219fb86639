import { scryptSync } from 'node:crypto';
import { HASHING_NICE, ScryptThreads } from './scrypt-threads';

const OPTIONS = { N: 2 ** 12, r: 8, p: 1 };

describe('ScryptThreads', () => {
  it('derives the same key as scrypt on the calling thread', async () => {
    const threads = new ScryptThreads(1);
    const salt = Buffer.from('0123456789abcdef');
    const key = await threads.derive('a password', salt, 64, OPTIONS);
    expect(key.equals(scryptSync('a password', salt, 64, OPTIONS))).toBe(true);
  });

  it('answers every derivation asked at once, spread over its threads', async () => {
    const threads = new ScryptThreads(2);
    const salts = Array.from({ length: 6 }, (_, n) => Buffer.from(`salt-${n}-padding`));
    const keys = await Promise.all(salts.map((salt) => threads.derive('same password', salt, 32, OPTIONS)));
    expect(new Set(keys.map((key) => key.toString('hex'))).size).toBe(6);
  });

  it('fails a derivation scrypt refuses instead of hanging, and keeps working after it', async () => {
    const threads = new ScryptThreads(1);
    await expect(threads.derive('x', Buffer.from('salt'), 32, { N: 3, r: 8, p: 1 })).rejects.toThrow();
    await expect(threads.derive('x', Buffer.from('salt'), 32, OPTIONS)).resolves.toHaveLength(32);
  });

  it('runs at a lower CPU priority (Linux), so a sign-in flood yields the cores to other work (R11)', async () => {
    const threads = new ScryptThreads(1);
    const expected = process.platform === 'linux' ? HASHING_NICE : null;
    await expect(threads.priority()).resolves.toBe(expected);
  });
});
