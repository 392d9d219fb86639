import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { FailedAttempts, type FailedAttemptPolicy } from '@bridge/auth';
import type { GatewayEnv } from '@bridge/config';
import { DomainError, isDomainError, type ErrorCode } from '@bridge/contracts';
import { GATEWAY_CONFIG } from '../credentials/gateway-config';
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

/**
 * Refusals held for FAILED_ATTEMPT_DELAY_MS at most at once (a timer and a socket each); past this many
 * the refusal is answered at once, so holding them can never exhaust memory.
 */
export const MAX_HELD_REFUSALS = 4096;

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
  private readonly refusalDelayMs: number;
  private heldRefusals = 0;

  constructor(@Inject(GATEWAY_CONFIG) config: Pick<GatewayEnv, 'FAILED_ATTEMPT_DELAY_MS'>) {
    this.refusalDelayMs = config.FAILED_ATTEMPT_DELAY_MS;
  }

  /**
   * Every refusal (wrong credential, rate limited, sign-ins busy) is answered after FAILED_ATTEMPT_DELAY_MS
   * and a success at once. Per-source limits cannot slow a flood from rotating addresses; this does, for
   * every client that waits for its answer before the next guess: each connection guesses at most once
   * per delay, and a refusal answered at once would only invite the next one (R11). A timer, not CPU.
   */
  async attempt<T>(
    check: { kind: CredentialKind; credential: string; source: string; failure: ErrorCode },
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await this.limited(check, run);
    } catch (error) {
      const refused =
        isDomainError(error) &&
        (error.code === check.failure ||
          error.code === 'RATE_LIMITED' ||
          error.code === 'SERVICE_UNAVAILABLE');
      if (refused) await this.holdRefusal();
      throw error;
    }
  }

  private async holdRefusal(): Promise<void> {
    if (this.refusalDelayMs === 0 || this.heldRefusals >= MAX_HELD_REFUSALS) return;
    this.heldRefusals += 1;
    try {
      await delay(this.refusalDelayMs, undefined, { ref: false });
    } finally {
      this.heldRefusals -= 1;
    }
  }

  private async limited<T>(
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
