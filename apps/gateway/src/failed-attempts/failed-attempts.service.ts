import { Injectable } from '@nestjs/common';
import { FailedAttempts, type FailedAttemptPolicy } from '@bridge/auth';
import { DomainError, isDomainError, type ErrorCode } from '@bridge/contracts';
import { sourceKeyOf } from './source-key';

/** One credential from one source: 10 failures in 15 min, then 1 min, 2, 4 … up to 15 min. */
export const PER_CREDENTIAL_AND_SOURCE: FailedAttemptPolicy = {
  limit: 10,
  windowMs: 15 * 60_000,
  blockMs: 60_000,
  maxBlockMs: 15 * 60_000,
};

/** One source, any credential (spraying many accounts): 30 failures in 1 min, then the same backoff. */
export const PER_SOURCE: FailedAttemptPolicy = {
  limit: 30,
  windowMs: 60_000,
  blockMs: 60_000,
  maxBlockMs: 15 * 60_000,
};

/** What is being tried: the token endpoint's client, a password sign-in, a login-link redemption. */
export type CredentialKind = 'client' | 'password' | 'login-link';

/**
 * The one place failed credential checks are limited (token endpoint, password sign-in, login links).
 * Every limit includes the source address (as TRUST_PROXY lets Fastify read it; an IPv6 source by its /64), so a correct credential
 * from a source that did not fail is never refused because someone else failed: no account, client or
 * user is ever locked out by others' guesses. A success forgives that credential's failures from that
 * source, not the source's own count (a valid account must not reset an attacker's budget).
 */
@Injectable()
export class FailedAttemptsService {
  private readonly byCredentialAndSource = new FailedAttempts(PER_CREDENTIAL_AND_SOURCE);
  private readonly bySource = new FailedAttempts(PER_SOURCE);

  async attempt<T>(
    check: { kind: CredentialKind; credential: string; source: string; failure: ErrorCode },
    run: () => Promise<T>,
  ): Promise<T> {
    const sourceKey = sourceKeyOf(check.source);
    const pairKey = `${check.kind}\u0000${check.credential}\u0000${sourceKey}`;
    const waitMs = Math.max(
      this.byCredentialAndSource.retryAfterMs(pairKey),
      this.bySource.retryAfterMs(sourceKey),
    );
    if (waitMs > 0) {
      throw new DomainError('RATE_LIMITED', 'Too many failed attempts from this address; try again later.', {
        retryAfterSeconds: Math.ceil(waitMs / 1000),
      });
    }
    try {
      const result = await run();
      this.byCredentialAndSource.clear(pairKey);
      return result;
    } catch (error) {
      if (isDomainError(error) && error.code === check.failure) this.recordFailure(pairKey, sourceKey);
      throw error;
    }
  }

  private recordFailure(pairKey: string, sourceKey: string): void {
    this.byCredentialAndSource.record(pairKey);
    this.bySource.record(sourceKey);
  }

  /** Keys held, for the abuse benchmark's memory check. */
  get keysHeld(): number {
    return this.byCredentialAndSource.size + this.bySource.size;
  }
}
