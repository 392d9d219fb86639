/**
 * Waits that close() can end at once: a hanging or slow answer must never keep the process (or a
 * jest worker) alive after the simulator is closed.
 */
export class SimWaits {
  private readonly pending = new Set<() => void>();

  /** Resolves after `ms`, or never on its own when `ms` is undefined; always at cancelAll(). */
  wait(ms: number | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.pending.delete(done);
        resolve();
      };
      this.pending.add(done);
      if (ms !== undefined) timer = setTimeout(done, ms);
    });
  }

  cancelAll(): void {
    for (const done of [...this.pending]) done();
  }
}
