import { DomainError } from '@bridge/contracts';

export interface ConcurrencyGateOptions {
  /** Tasks run at once. */
  concurrent: number;
  /** Tasks queued behind them; one more is refused at once. */
  waiting: number;
  /** A queued task older than this when its turn comes is refused instead of run. */
  maxWaitMs?: number;
  /** What the refused caller reads (SERVICE_UNAVAILABLE). */
  busyMessage: string;
  now?: () => number;
}

/**
 * Runs at most `concurrent` tasks at once, the rest in arrival order; beyond `waiting` queued tasks it
 * refuses at once (SERVICE_UNAVAILABLE), and a task that waited longer than `maxWaitMs` is refused when
 * its turn comes instead of run: its caller's bus timeout has given up on it, and running it would only
 * delay the callers still waiting (a right password behind a flood).
 * For scrypt: each derivation takes a CPU core for tens of milliseconds on libuv's thread pool, so a
 * flood of wrong passwords from rotating addresses (which no per-source limit stops) would otherwise take
 * every core from the other routes (R11). The gateway puts one in front of the sign-in RPC too, so a
 * flood cannot pile up requests on the bus that user-provisioning would check long after their callers
 * left. O(1) per task; memory bounded by `waiting`.
 */
export class ConcurrencyGate {
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private head = 0;

  private readonly concurrent: number;
  private readonly waiting: number;
  private readonly maxWaitMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ConcurrencyGateOptions) {
    this.concurrent = options.concurrent;
    this.waiting = options.waiting;
    this.maxWaitMs = options.maxWaitMs ?? Number.POSITIVE_INFINITY;
    this.now = options.now ?? Date.now;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrent) {
      if (this.queue.length - this.head >= this.waiting) throw this.busy();
      const queuedAt = this.now();
      await new Promise<void>((resolve) => this.queue.push(resolve));
      if (this.now() - queuedAt > this.maxWaitMs) {
        this.release();
        throw this.busy();
      }
    } else {
      this.running += 1;
    }
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private busy(): DomainError {
    return new DomainError('SERVICE_UNAVAILABLE', this.options.busyMessage);
  }

  /** Hands the slot straight to the next waiter (so `running` stays counted), or frees it. */
  private release(): void {
    if (this.head < this.queue.length) {
      const next = this.queue[this.head];
      this.head += 1;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      next();
    } else {
      this.running -= 1;
    }
  }
}
