/** A token verified once is remembered this long at most, whatever its expiry says. */
const DEFAULT_MAX_AGE_MS = 5 * 60_000;

export interface VerifiedToken {
  /** The key id its signature verified with: the token stops being accepted once that key is retired. */
  kid: string;
  claims: Record<string, unknown>;
}

interface Entry extends VerifiedToken {
  /** The first moment the entry no longer serves: the token's expiry, or the end of maxAgeMs. */
  goneAtMs: number;
}

/**
 * Bearer tokens whose signature, algorithm, issuer and audience already verified, by their exact text. An EMR
 * pushes thousands of requests with one token; an ES256 verification was an eighth of the gateway's CPU per
 * push (benchmark P1), and its answer for the same text and key can never change. What can change is checked
 * on every use: expiry here, the key still being published and the client or session still current by the
 * caller. Only tokens that verified are kept, so forged ones cannot fill it; it holds `maxEntries` at most
 * (the oldest goes first).
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: { maxEntries: number; maxAgeMs?: number } = { maxEntries: 10_000 }) {}

  get(token: string, now = Date.now()): VerifiedToken | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (now >= entry.goneAtMs || notYetValid(entry.claims, now)) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  /** Remembers a token that just verified; one without an expiry is not remembered (it is verified each time). */
  remember(token: string, verified: VerifiedToken, now = Date.now()): void {
    const exp = verified.claims.exp;
    if (typeof exp !== 'number') return;
    const goneAtMs = Math.min(exp * 1000, now + (this.options.maxAgeMs ?? DEFAULT_MAX_AGE_MS));
    if (goneAtMs <= now) return;
    if (!this.entries.has(token) && this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { ...verified, goneAtMs });
  }
}

/** jsonwebtoken refuses a token before its `nbf`; a remembered one must not be accepted earlier either. */
function notYetValid(claims: Record<string, unknown>, now: number): boolean {
  return typeof claims.nbf === 'number' && now < claims.nbf * 1000;
}
