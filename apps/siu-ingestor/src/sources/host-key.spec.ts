import { createHash } from 'node:crypto';
import { hostKeyMatches } from './host-key';

describe('hostKeyMatches', () => {
  const key = Buffer.from('ssh-ed25519 host key blob');
  const digest = createHash('sha256').update(key).digest();

  it('accepts the OpenSSH form, plain base64 with or without padding, and hex', () => {
    const base64 = digest.toString('base64');
    for (const pinned of [
      `SHA256:${base64.replace(/=+$/, '')}`,
      base64,
      base64.replace(/=+$/, ''),
      digest.toString('hex').toUpperCase(),
    ]) {
      expect(hostKeyMatches(pinned, key)).toBe(true);
    }
  });

  it('refuses any other key', () => {
    expect(hostKeyMatches(`SHA256:${digest.toString('base64')}`, Buffer.from('another key'))).toBe(false);
    expect(hostKeyMatches('0'.repeat(64), key)).toBe(false);
  });
});
