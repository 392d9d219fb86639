import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits: guessing one is hopeless, so rate limits only need to slow noise. */
export function newLoginToken(): string {
  return `clt_${randomBytes(32).toString('base64url')}`;
}

/** Only this hash is stored: a database reader cannot sign anyone in. */
export function hashLoginToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
