import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newClientId(): string {
  return `cb_${randomBytes(12).toString('hex')}`;
}

export function newClientSecret(): string {
  return `cbs_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison, so response timing says nothing about how much of a secret matched. */
export function secretMatches(secret: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
