/**
 * Answers remembered for a fixed time, with concurrent misses for one key sharing one lookup. Bounded:
 * past `maxEntries` the oldest entries go first, so a flood of distinct keys cannot grow memory.
 *
 * With `staleMs`, an answer past its time is still given for that much longer while one lookup refreshes
 * it in the background: a slow lookup (its service flooded, say) then delays nobody, and an answer is
 * never older than `ttlMs + staleMs`.
 */
export class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  private readonly pending = new Map<string, Promise<V>>();

  constructor(private readonly options: { ttlMs: number; maxEntries: number; staleMs?: number }) {}

  async get(key: string, load: () => Promise<V>, now = Date.now()): Promise<V> {
    const entry = this.entries.get(key);
    if (entry && entry.until > now) return entry.value;
    if (entry && entry.until + (this.options.staleMs ?? 0) > now) {
      // A failed refresh is forgotten: the next request past the stale window asks again and waits.
      if (!this.pending.has(key)) this.refresh(key, load).catch(() => undefined);
      return entry.value;
    }
    return this.pending.get(key) ?? this.refresh(key, load);
  }

  private refresh(key: string, load: () => Promise<V>): Promise<V> {
    const loading = load()
      .then((value) => {
        this.entries.delete(key);
        this.entries.set(key, { value, until: Date.now() + this.options.ttlMs });
        while (this.entries.size > this.options.maxEntries) {
          this.entries.delete(this.entries.keys().next().value as string);
        }
        return value;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, loading);
    return loading;
  }
}
