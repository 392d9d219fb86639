import { createHash } from 'node:crypto';

/** How many failures a key may have and how long it then waits. */
export interface FailedAttemptPolicy {
  /** Failures within `windowMs` that block the key. */
  limit: number;
  windowMs: number;
  /** First block; each further block of the same key doubles it, up to `maxBlockMs`. */
  blockMs: number;
  maxBlockMs: number;
}

interface KeyState {
  failures: number;
  windowStart: number;
  blockedUntil: number;
  /** Blocks so far: the backoff exponent. */
  blocks: number;
  lastFailure: number;
}

/** Enough for every address of a busy day; about 200 bytes each (fixed-size keys), so ~20 MB at most. */
export const DEFAULT_MAX_KEYS = 100_000;

/**
 * Counts failed credential checks per key (callers key on credential *and* source address) with
 * exponential backoff. O(1) per call and at most `maxKeys` keys whatever an attacker sends: keys are
 * hashed to a fixed size and the least recently failed key is evicted first.
 *
 * Kept here rather than taken from a library: a JavaScript Map iterates in insertion order, so deleting
 * and re-inserting on every failure makes it an exact LRU with O(1) eviction in a few lines, and the
 * counting (window, backoff, reset on success) is ours either way. @nestjs/throttler counts requests,
 * not failures, and its default store holds one timer per key with no bound on keys.
 *
 * Eviction can forget a blocked key, but only after `maxKeys` other keys failed more recently; with
 * per-source keys that takes that many distinct real source addresses (see TRUST_PROXY).
 * Per process: with N gateway instances an attacker gets N times the budget, still far too little.
 */
export class FailedAttempts {
  private readonly states = new Map<string, KeyState>();

  constructor(
    private readonly policy: FailedAttemptPolicy,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfterMs(key: string, now = Date.now()): number {
    const state = this.states.get(fixedSize(key));
    return state && state.blockedUntil > now ? state.blockedUntil - now : 0;
  }

  record(key: string, now = Date.now()): void {
    const id = fixedSize(key);
    const state = this.states.get(id) ?? {
      failures: 0,
      windowStart: now,
      blockedUntil: 0,
      blocks: 0,
      lastFailure: now,
    };
    this.states.delete(id);
    // A key quiet for longer than the longest block starts over, backoff included.
    if (now - state.lastFailure > this.policy.maxBlockMs) state.blocks = 0;
    if (now - state.windowStart >= this.policy.windowMs) {
      state.failures = 0;
      state.windowStart = now;
    }
    state.failures += 1;
    state.lastFailure = now;
    if (state.failures >= this.policy.limit) {
      const blockMs = Math.min(this.policy.maxBlockMs, this.policy.blockMs * 2 ** state.blocks);
      state.blockedUntil = now + blockMs;
      state.blocks += 1;
      state.failures = 0;
      state.windowStart = now;
    }
    this.states.set(id, state);
    if (this.states.size > this.maxKeys) this.states.delete(this.states.keys().next().value!);
  }

  /** A success: this key's failures are forgiven. */
  clear(key: string): void {
    this.states.delete(fixedSize(key));
  }

  get size(): number {
    return this.states.size;
  }
}

/** Keys carry attacker-chosen text (client ids, e-mails): hashed, so memory per key is fixed. */
function fixedSize(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}
