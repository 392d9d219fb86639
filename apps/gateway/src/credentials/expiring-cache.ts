/**
 * Answers remembered for a fixed time, with concurrent misses for one key sharing one lookup. Bounded:
 * past `maxEntries` the oldest entries go first, so a flood of distinct keys cannot grow memory.
 */
export class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  private readonly pending = new Map<string, Promise<V>>();

  constructor(private readonly options: { ttlMs: number; maxEntries: number }) {}

  async get(key: string, load: () => Promise<V>, now = Date.now()): Promise<V> {
    const entry = this.entries.get(key);
    if (entry && entry.until > now) return entry.value;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
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
