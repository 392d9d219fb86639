/**
 * Handlers running now, so that a consumer being stopped can let them finish, for a bounded time, before
 * what they use goes away (RabbitMQ's channel, a service's database). Shared by both transports.
 */
export class InFlight {
  private running = 0;
  private readonly waiters = new Set<() => void>();

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      if (this.running === 0) for (const waiter of [...this.waiters]) waiter();
    }
  }

  /** Resolves when nothing runs any more, or after `timeoutMs`, whichever comes first. */
  idle(timeoutMs: number): Promise<void> {
    if (this.running === 0 || timeoutMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }
}
