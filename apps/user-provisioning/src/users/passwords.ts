import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { ConcurrencyGate } from '@bridge/auth';
import { PASSWORD_SCRYPT_LOG2N_DEFAULT } from '@bridge/config';

/**
 * Half the cores for password hashing at most: the rest stay with every other route, whatever the flood.
 * A check queued for longer than 5 s (half the default bus timeout) is dropped, not computed for nobody.
 */
const scryptGate = new ConcurrencyGate({
  concurrent: Math.max(1, Math.floor(availableParallelism() / 2)),
  waiting: 256,
  maxWaitMs: 5000,
  busyMessage: 'Too many sign-ins at once; try again shortly.',
});
const KEY_LENGTH = 64;

export interface ScryptCost {
  /** log2 of N. */
  ln: number;
  r: number;
  p: number;
}

/**
 * Current guidance (OWASP): N = 2^17, r = 8, p = 1 — 128 MiB and ~0.2-0.4 s of one core per hash. The
 * production default of PASSWORD_SCRYPT_LOG2N; only test runs may set it lower (libs/config).
 */
export const PASSWORD_COST: ScryptCost = { ln: PASSWORD_SCRYPT_LOG2N_DEFAULT, r: 8, p: 1 };

/** The cost new hashes are made at, for PASSWORD_SCRYPT_LOG2N = `ln` (r and p stay at the guidance). */
export function passwordCost(ln: number): ScryptCost {
  return { ...PASSWORD_COST, ln };
}
/** What hashes stored as `scrypt$<salt>$<hash>` were made with. */
const LEGACY_COST: ScryptCost = { ln: 14, r: 8, p: 1 };
/** Refuse stored parameters that would cost more than this (a tampered row must not exhaust memory). */
const MAX_LN = 20;

function derive(password: string, salt: Buffer, keylen: number, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** cost.ln,
    r: cost.r,
    p: cost.p,
    // scrypt needs 128 * N * r bytes; Node's default ceiling (32 MiB) is below 2^17's 128 MiB.
    maxmem: 128 * 2 ** cost.ln * cost.r + 16 * 1024 * 1024,
  };
  return scryptGate.run(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
      ),
  );
}

/**
 * scrypt with a random salt, stored as `scrypt$ln=17,r=8,p=1$<salt>$<hash>` (base64url) so the cost can
 * rise again later; the older `scrypt$<salt>$<hash>` (N = 2^14) still verifies and is rehashed on the
 * next successful sign-in.
 */
export async function hashPassword(password: string, cost: ScryptCost = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, KEY_LENGTH, cost);
  return `scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const expected = Buffer.from(parsed.hash, 'base64url');
  if (expected.length < 16) return false;
  const actual = await derive(password, Buffer.from(parsed.salt, 'base64url'), expected.length, parsed.cost);
  return timingSafeEqual(actual, expected);
}

/**
 * True for a hash made with a lower cost than `current`: replace it while the password is at hand. Every
 * hash carries its own cost, so hashes made at any other cost keep verifying after the setting changes.
 */
export function needsRehash(stored: string, current: ScryptCost = PASSWORD_COST): boolean {
  const parsed = parse(stored);
  if (!parsed) return false;
  const { ln, r, p } = parsed.cost;
  return ln < current.ln || r < current.r || p < current.p;
}

function parse(stored: string): { cost: ScryptCost; salt: string; hash: string } | undefined {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt') return undefined;
  if (parts.length === 3 && parts[1] && parts[2])
    return { cost: LEGACY_COST, salt: parts[1], hash: parts[2] };
  if (parts.length !== 4 || !parts[2] || !parts[3]) return undefined;
  const match = /^ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})$/.exec(parts[1]);
  if (!match) return undefined;
  const cost = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (cost.ln < 10 || cost.ln > MAX_LN || cost.r < 1 || cost.p < 1 || cost.p > 4) return undefined;
  return { cost, salt: parts[2], hash: parts[3] };
}
