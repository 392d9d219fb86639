import { createHash } from 'node:crypto';
import { utils } from 'ssh2';

export interface SshHostKey {
  /** OpenSSH private key, as ssh2's Server takes it. */
  readonly privateKey: string;
  /** `SHA256:<base64 without padding>`, as `ssh-keygen -l` prints it. */
  readonly sha256: string;
}

/** The fingerprint of a public key blob (the bytes a client's hostVerifier receives). */
export function sshFingerprint(publicKeyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * An ed25519 key pair that ssh2 can read back. ssh2's generator strips leading zero bytes of the public key,
 * so about one pair in 256 is unreadable (mscdex/ssh2 issues 1390, 1513, open): draw again, a few times at most.
 */
export function generateEd25519Pair(comment?: string): { private: string; public: string } {
  for (let attempt = 1; ; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519', comment ? { comment } : {});
    const readable =
      !(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error);
    if (readable) return pair;
    if (attempt === 8) throw new Error('ssh2 generated 8 unreadable ed25519 key pairs in a row');
  }
}

/** A fresh ed25519 host key per start: the simulator keeps no state, so clients pin what it prints. */
export function generateHostKey(): SshHostKey {
  const pair = generateEd25519Pair('hospital-sim');
  const parsed = utils.parseKey(pair.private);
  if (parsed instanceof Error) throw parsed;
  return { privateKey: pair.private, sha256: sshFingerprint(parsed.getPublicSSH()) };
}
