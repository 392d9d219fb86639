import { createPublicKey, type KeyObject } from 'node:crypto';
import type { PublicJwkV1 } from '@bridge/contracts';

export const PUBLIC_KEY_SOURCE = Symbol('PUBLIC_KEY_SOURCE');

/** Where the public signing keys come from (the gateway asks user-provisioning over the bus). */
export interface PublicKeySource {
  load(): Promise<PublicJwkV1[]>;
}

export interface VerificationKeysOptions {
  /** Keys are re-read this often, so a retired key stops verifying once its owner drops it. */
  refreshMs: number;
  /** A token naming an unknown `kid` triggers a re-read, at most this often (a flood of forged kids costs one read per interval). */
  minReloadMs: number;
}

/**
 * The public keys tokens are verified with, by key id. A new key (after a rotation) is picked up the first
 * time a token names it, so rotation needs no restart and no downtime; a key its owner no longer publishes
 * is forgotten at the next refresh.
 */
export class VerificationKeys {
  private keys = new Map<string, KeyObject>();
  private published: PublicJwkV1[] = [];
  private loadedAt = Number.NEGATIVE_INFINITY;
  private pending?: Promise<void>;

  constructor(
    private readonly source: PublicKeySource,
    private readonly options: VerificationKeysOptions,
  ) {}

  async keyFor(kid: string, now = Date.now()): Promise<KeyObject | undefined> {
    if (this.due(now)) await this.refresh(now, this.keys.has(kid));
    else if (!this.keys.has(kid)) await this.reload(this.loadedAt + this.options.minReloadMs - now);
    return this.keys.get(kid);
  }

  /** The JWKS document's keys. */
  async jwks(now = Date.now()): Promise<PublicJwkV1[]> {
    if (this.due(now)) await this.refresh(now, true);
    return this.published;
  }

  private due(now: number): boolean {
    return now - this.loadedAt >= this.options.refreshMs;
  }

  /**
   * The periodic read. Within one more refresh interval, and when what the caller needs is already here,
   * it runs in the background and the caller goes on at once: a slow user-provisioning (a sign-in flood)
   * must not stall every request behind it. Past that the caller waits, so a retired key never verifies
   * for long after its owner dropped it.
   */
  private async refresh(now: number, haveWhatIsNeeded: boolean): Promise<void> {
    const reading = this.reload(0);
    if (haveWhatIsNeeded && now - this.loadedAt < 2 * this.options.refreshMs) {
      reading.catch(() => undefined); // a failed read is tried again by the next request
      return;
    }
    await reading;
  }

  /** Concurrent callers share one read; a read asked for too soon after the last waits its turn. */
  private reload(delayMs: number): Promise<void> {
    this.pending ??= (async () => {
      try {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        const jwks = await this.source.load();
        const keys = new Map<string, KeyObject>();
        for (const jwk of jwks) {
          if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || jwk.alg !== 'ES256' || typeof jwk.kid !== 'string')
            continue;
          keys.set(
            jwk.kid,
            createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' }),
          );
        }
        this.keys = keys;
        this.published = jwks.filter((jwk) => keys.has(jwk.kid));
        this.loadedAt = Date.now();
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }
}
