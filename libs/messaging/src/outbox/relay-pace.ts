/** Fast looks the relay keeps making after the last sign of work (2 s at the default 100 ms). */
export const BUSY_LOOKS = 20;

/**
 * When the outbox relay looks next: every `fastMs` while there is work, every `idleMs` (never faster than
 * `fastMs`) once there has been none for BUSY_LOOKS fast looks. Work is a row about to be written in this
 * process or a look that found rows pending; the window outlasts a write's commit, so the row is seen at the
 * fast pace. Times are the caller's clock (Date.now()).
 */
export class RelayPace {
  private busyUntil = 0;

  constructor(private readonly pace: { fastMs: number; idleMs: number }) {}

  /** Work seen at `now`. */
  worked(now: number): void {
    this.busyUntil = now + BUSY_LOOKS * this.pace.fastMs;
  }

  /** The wait before the next look, decided at `now`. */
  waitAt(now: number): number {
    const { fastMs, idleMs } = this.pace;
    return now < this.busyUntil ? fastMs : Math.max(fastMs, idleMs);
  }
}
