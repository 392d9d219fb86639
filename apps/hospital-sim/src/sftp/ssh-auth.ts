import { createHash, timingSafeEqual } from 'node:crypto';
import { utils, type AuthContext, type AuthenticationType, type ParsedKey } from 'ssh2';

export interface SshCredentials {
  readonly username: string;
  readonly password: string;
  /** OpenSSH public key line (`ssh-ed25519 AAAA... comment`): enables publickey login with its private key. */
  readonly authorizedPublicKey?: string;
}

/** Equal-time comparison of secrets of any length (hashing first makes the lengths equal). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The SSH user-authentication step: one user, its password, and optionally one authorized public key. */
export class SshAuthenticator {
  private readonly publicKey: ParsedKey | undefined;
  private readonly methods: AuthenticationType[];

  constructor(private readonly credentials: SshCredentials) {
    if (credentials.authorizedPublicKey !== undefined) {
      const parsed = utils.parseKey(credentials.authorizedPublicKey);
      if (parsed instanceof Error)
        throw new Error(`authorizedPublicKey is not a public key: ${parsed.message}`);
      this.publicKey = parsed;
    }
    this.methods = this.publicKey ? ['publickey', 'password'] : ['password'];
  }

  authenticate(context: AuthContext): void {
    // Compare the user name whatever the method, so a wrong name takes as long as a wrong secret.
    const userMatches = sameSecret(context.username, this.credentials.username);
    if (this.accepts(context) && userMatches) context.accept();
    else context.reject(this.methods);
  }

  private accepts(context: AuthContext): boolean {
    switch (context.method) {
      case 'password':
        return sameSecret(context.password, this.credentials.password);
      case 'publickey': {
        const key = this.publicKey;
        if (!key) return false;
        const blob = key.getPublicSSH();
        if (context.key.data.length !== blob.length || !timingSafeEqual(context.key.data, blob)) return false;
        // Without a signature the client only asks whether this key would do; with one, it must verify.
        if (!context.signature || !context.blob) return true;
        return key.verify(context.blob, context.signature, context.hashAlgo) === true;
      }
      default:
        return false;
    }
  }
}
