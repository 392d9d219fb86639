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

/** A fresh ed25519 host key per start: the simulator keeps no state, so clients pin what it prints. */
export function generateHostKey(): SshHostKey {
  const pair = utils.generateKeyPairSync('ed25519', { comment: 'hospital-sim' });
  const parsed = utils.parseKey(pair.private);
  if (parsed instanceof Error) throw parsed;
  return { privateKey: pair.private, sha256: sshFingerprint(parsed.getPublicSSH()) };
}
