import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { ConcurrencyGate } from './scrypt-gate';

const scryptRaw = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
/**
 * Half the cores for password hashing at most: the rest stay with every other route, whatever the flood.
 * A check queued for longer than 5 s (half the default bus timeout) is dropped, not computed for nobody.
 */
const scryptGate = new ConcurrencyGate(Math.max(1, Math.floor(availableParallelism() / 2)), 256, 5000);
const scryptAsync = (password: string, salt: Buffer, keylen: number) =>
  scryptGate.run(() => scryptRaw(password, salt, keylen));
const KEY_LENGTH = 64;

/** scrypt with a random salt, stored as `scrypt$<salt>$<hash>` (base64url) so the scheme can evolve. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, KEY_LENGTH);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length);
  return timingSafeEqual(actual, expected);
}
