/**
 * Counts failed credential checks per key in a sliding window, to slow brute force on the token
 * endpoint. Per instance: with N instances an attacker gets N times the budget, still far too little.
 */
export class FailedAttempts {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: { limit: number; windowMs: number }) {}

  isBlocked(key: string, now = Date.now()): boolean {
    return this.recent(key, now).length >= this.options.limit;
  }

  record(key: string, now = Date.now()): void {
    const recent = this.recent(key, now);
    recent.push(now);
    this.failures.set(key, recent);
    if (this.failures.size > 10_000) this.prune(now);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => now - at < this.options.windowMs);
  }

  private prune(now: number): void {
    for (const key of this.failures.keys()) {
      if (this.recent(key, now).length === 0) this.failures.delete(key);
    }
  }
}
