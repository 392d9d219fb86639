import type { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';

/**
 * A pass that runs on a UTC cron, one at a time in this instance: a tick (or a `run()`) while a pass is
 * under way joins it instead of starting a second. `stop()` removes the cron job and waits for the pass
 * in flight, so a service never closes its database under a retention run. Across instances, the pass
 * itself takes an advisory lock (`runAlone`, `pruneJournal`).
 */
export class ScheduledPass<T> {
  private running: Promise<T> | undefined;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly name: string,
    private readonly pass: (now: Date) => Promise<T>,
  ) {}

  /** `cron` is a cron expression (UTC), or `off`: this instance never runs the pass on its own. */
  start(cron: string): void {
    if (cron === 'off') return;
    const job = CronJob.from({
      cronTime: cron,
      timeZone: 'UTC',
      // The pass logs its own failures; a failed tick waits for the next one.
      onTick: () => void this.run().catch(() => undefined),
      start: true,
    });
    this.registry.addCronJob(this.name, job);
  }

  async stop(): Promise<void> {
    if (this.registry.doesExist('cron', this.name)) this.registry.deleteCronJob(this.name);
    await this.running?.catch(() => undefined);
  }

  /** One pass now, or the one already under way. */
  run(now = new Date()): Promise<T> {
    this.running ??= this.pass(now).finally(() => (this.running = undefined));
    return this.running;
  }
}
