/**
 * Runs one statement for many concurrent callers: at most `maxInFlight` statements at once; callers that
 * arrive while they run wait, and go together as the next statement when one finishes (up to `maxBatch`
 * items). A caller alone goes at once, so an idle service adds no wait; under load, the callers that queue
 * anyway share a round trip, and its per-statement costs (the write syscall, the backend's parse, plan and
 * commit) are paid once for all of them.
 *
 * Two items with the same key never share a statement (an `INSERT .. ON CONFLICT DO UPDATE` cannot change
 * one row twice): a later one waits for the next, in arrival order. A statement that fails is run again
 * item by item, so that one caller's bad row fails that caller only: the batch must therefore be one
 * statement (all or nothing), never a transaction that could have committed part of it.
 */
export class StatementBatcher<Item, Result> {
  private waiting: Waiting<Item, Result>[] = [];
  private inFlight = 0;

  constructor(
    private readonly options: {
      /** The statement: one result per item, in the items' order. */
      run(items: Item[]): Promise<Result[]>;
      keyOf(item: Item): string;
      maxInFlight: number;
      maxBatch: number;
    },
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.waiting.push({ item, key: this.options.keyOf(item), resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.takeBatch();
      this.inFlight += 1;
      void this.runBatch(batch).finally(() => {
        this.inFlight -= 1;
        this.dispatch();
      });
    }
  }

  /** The first maxBatch waiting items with distinct keys, in arrival order; the others keep their places. */
  private takeBatch(): Waiting<Item, Result>[] {
    const batch: Waiting<Item, Result>[] = [];
    const keys = new Set<string>();
    const left: Waiting<Item, Result>[] = [];
    for (const waiting of this.waiting) {
      if (batch.length < this.options.maxBatch && !keys.has(waiting.key)) {
        batch.push(waiting);
        keys.add(waiting.key);
      } else {
        left.push(waiting);
      }
    }
    this.waiting = left;
    return batch;
  }

  private async runBatch(batch: Waiting<Item, Result>[]): Promise<void> {
    try {
      const results = await this.options.run(batch.map((waiting) => waiting.item));
      batch.forEach((waiting, index) => waiting.resolve(results[index]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      for (const waiting of batch) {
        await this.options.run([waiting.item]).then(([result]) => waiting.resolve(result), waiting.reject);
      }
    }
  }
}

interface Waiting<Item, Result> {
  item: Item;
  key: string;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}
