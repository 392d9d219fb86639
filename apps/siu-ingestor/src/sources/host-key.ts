import { createHash } from 'node:crypto';

/**
 * Host-key pinning: the configured SHA-256 fingerprint, as `ssh-keygen -l` prints it (`SHA256:<base64>`),
 * plain base64 (padded or not) or hex, against the key the server presents.
 */
export function hostKeyMatches(pinned: string, key: Buffer): boolean {
  const digest = createHash('sha256').update(key).digest();
  const value = pinned.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return digest.toString('hex') === value.toLowerCase();
  const base64 = value.replace(/^SHA256:/, '').replace(/=+$/, '');
  return digest.toString('base64').replace(/=+$/, '') === base64;
}
