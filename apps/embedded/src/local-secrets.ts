import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalSecrets {
  /** Encrypts user-provisioning's private signing keys (tokens are ES256; no shared signing secret exists). */
  SIGNING_KEY_PASSPHRASE: string;
  ADMIN_CLIENT_ID: string;
  ADMIN_CLIENT_SECRET: string;
  /** Seals connection secrets at rest (base64 of 32 bytes). Losing it loses every stored connection secret. */
  SECRETS_KEY: string;
}

/**
 * The embedded default generates its secrets once and keeps them in the data directory (mode 600), so
 * tokens and admin credentials survive a restart. Values given in the environment always win.
 */
export function loadOrCreateSecrets(dataDir: string, env: NodeJS.ProcessEnv): LocalSecrets {
  const file = join(dataDir, 'secrets.json');
  const stored: Partial<LocalSecrets> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>)
    : {};
  const secrets: LocalSecrets = {
    // (A JWT_SECRET kept by an older version is dropped: nothing signs with a shared secret any more.)
    SIGNING_KEY_PASSPHRASE: stored.SIGNING_KEY_PASSPHRASE ?? randomBytes(32).toString('base64url'),
    ADMIN_CLIENT_ID: stored.ADMIN_CLIENT_ID ?? 'platform-admin',
    ADMIN_CLIENT_SECRET: stored.ADMIN_CLIENT_SECRET ?? randomBytes(24).toString('base64url'),
    SECRETS_KEY: stored.SECRETS_KEY ?? randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return {
    SIGNING_KEY_PASSPHRASE: env.SIGNING_KEY_PASSPHRASE || secrets.SIGNING_KEY_PASSPHRASE,
    ADMIN_CLIENT_ID: env.ADMIN_CLIENT_ID || secrets.ADMIN_CLIENT_ID,
    ADMIN_CLIENT_SECRET: env.ADMIN_CLIENT_SECRET || secrets.ADMIN_CLIENT_SECRET,
    SECRETS_KEY: env.SECRETS_KEY || secrets.SECRETS_KEY,
  };
}
