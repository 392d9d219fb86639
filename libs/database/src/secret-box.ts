import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * A secret as stored (inside a connection's jsonb): AES-256-GCM with a fresh 96-bit nonce, the id of
 * the key that sealed it, and the authentication tag appended to the ciphertext. It is an object, so
 * it can never be mistaken for a plain value an admin typed (API secrets are strings).
 */
export interface SealedSecret {
  sealed: 'aes-256-gcm';
  kid: string;
  iv: string;
  data: string;
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretKeyError extends Error {
  override readonly name = 'SecretKeyError';
}

/**
 * Seals and opens connection secrets with `SECRETS_KEY` (PRODUCT.md "Secrets at rest").
 *
 * Direct AES-256-GCM under the master key, not envelope encryption: with the key in the process
 * environment (no KMS to unwrap data keys), a per-value data key wrapped by the same master key adds
 * a second layer under the same secret and protects nothing more. Each value carries its key id, so
 * a new key can be introduced while the previous ones still open old values (`SECRETS_PREVIOUS_KEYS`),
 * and values sealed with an older key are re-sealed with the current one (see `resealFields`).
 *
 * `context` is bound as additional authenticated data (e.g. the hospital id and field): a sealed value
 * copied into another hospital's row or another field does not open.
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  /** `current` and `previous` are base64 keys of exactly 32 bytes. */
  constructor(current: string, previous: readonly string[] = []) {
    const currentKey = decodeKey(current, 'SECRETS_KEY');
    this.currentKeyId = keyId(currentKey);
    this.keys.set(this.currentKeyId, currentKey);
    previous.forEach((encoded, index) => {
      const key = decodeKey(encoded, `SECRETS_PREVIOUS_KEYS[${index}]`);
      if (!this.keys.has(keyId(key))) this.keys.set(keyId(key), key);
    });
  }

  /** `SECRETS_KEY` plus the comma-separated `SECRETS_PREVIOUS_KEYS` (read-only, for rotation). */
  static fromConfig(config: { SECRETS_KEY: string; SECRETS_PREVIOUS_KEYS?: string }): SecretBox {
    const previous = (config.SECRETS_PREVIOUS_KEYS ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key.length > 0);
    return new SecretBox(config.SECRETS_KEY, previous);
  }

  seal(plain: string, context: string): SealedSecret {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return {
      sealed: ALGORITHM,
      kid: this.currentKeyId,
      iv: iv.toString('base64'),
      data: data.toString('base64'),
    };
  }

  open(secret: SealedSecret, context: string): string {
    const key = this.keys.get(secret.kid);
    if (!key) {
      throw new SecretKeyError(
        `a secret was sealed with key ${secret.kid}, which is neither SECRETS_KEY nor in SECRETS_PREVIOUS_KEYS`,
      );
    }
    const data = Buffer.from(secret.data, 'base64');
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(secret.iv, 'base64'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(data.subarray(0, data.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretKeyError(
        `a secret sealed with key ${secret.kid} does not open here (altered or moved)`,
      );
    }
  }

  isCurrent(secret: SealedSecret): boolean {
    return secret.kid === this.currentKeyId;
  }
}

export function isSealed(value: unknown): value is SealedSecret {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as SealedSecret).sealed === ALGORITHM &&
    typeof (value as SealedSecret).kid === 'string' &&
    typeof (value as SealedSecret).iv === 'string' &&
    typeof (value as SealedSecret).data === 'string'
  );
}

/** A fresh key in the form `SECRETS_KEY` takes (base64 of 32 random bytes). */
export function generateSecretsKey(): string {
  return randomBytes(32).toString('base64');
}

/** Public and stable: a fingerprint of the key, not the key (SHA-256 of a 256-bit random key). */
function keyId(key: Buffer): string {
  return createHash('sha256')
    .update('careflow-bridge secrets key id\0')
    .update(key)
    .digest('hex')
    .slice(0, 16);
}

function decodeKey(encoded: string, name: string): Buffer {
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== 32) throw new SecretKeyError(`${name} must be base64 of exactly 32 bytes`);
  return key;
}

/**
 * The secret fields of a settings object, by dotted path (`source.password`). A path that is absent,
 * or whose parent is absent, is skipped: the same list covers every kind of connection.
 */
export type SecretPaths = readonly string[];

/** A copy of `settings` with every plain secret sealed; already sealed values are kept as they are. */
export function sealFields<T>(box: SecretBox, settings: T, paths: SecretPaths, context: string): T {
  return mapFields(settings, paths, (value, path) =>
    typeof value === 'string' ? box.seal(value, `${context}:${path}`) : value,
  );
}

/** A copy of `settings` with every sealed secret opened (what the service uses to connect). */
export function openFields<T>(box: SecretBox, settings: T, paths: SecretPaths, context: string): T {
  return mapFields(settings, paths, (value, path) =>
    isSealed(value) ? box.open(value, `${context}:${path}`) : value,
  );
}

/**
 * A copy with plain values sealed and values of an older key re-sealed with the current one, or
 * `undefined` when nothing needs to change (so callers only write rows that do).
 */
export function resealFields<T>(
  box: SecretBox,
  settings: T,
  paths: SecretPaths,
  context: string,
): T | undefined {
  let changed = false;
  const next = mapFields(settings, paths, (value, path) => {
    if (typeof value === 'string') {
      changed = true;
      return box.seal(value, `${context}:${path}`);
    }
    if (isSealed(value) && !box.isCurrent(value)) {
      changed = true;
      return box.seal(box.open(value, `${context}:${path}`), `${context}:${path}`);
    }
    return value;
  });
  return changed ? next : undefined;
}

/** A copy without the secret fields at all: what may be kept beside other rows (a run's settings). */
export function withoutFields<T>(settings: T, paths: SecretPaths): T {
  const copy = structuredClone(settings);
  for (const path of paths) {
    const { parent, last } = locate(copy, path);
    if (parent && last in parent) delete parent[last];
  }
  return copy;
}

function mapFields<T>(settings: T, paths: SecretPaths, change: (value: unknown, path: string) => unknown): T {
  const copy = structuredClone(settings);
  for (const path of paths) {
    const { parent, last } = locate(copy, path);
    if (parent && parent[last] !== undefined && parent[last] !== null)
      parent[last] = change(parent[last], path);
  }
  return copy;
}

function locate(root: unknown, path: string): { parent?: Record<string, unknown>; last: string } {
  const parts = path.split('.');
  const last = parts.pop()!;
  let node: unknown = root;
  for (const part of parts) {
    if (typeof node !== 'object' || node === null) return { last };
    node = (node as Record<string, unknown>)[part];
  }
  if (typeof node !== 'object' || node === null) return { last };
  return { parent: node as Record<string, unknown>, last };
}
