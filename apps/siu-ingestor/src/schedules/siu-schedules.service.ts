import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { SiuConnectionsRepository } from '../connections/siu-connections.repository';
import { SiuConnectionsService } from '../connections/siu-connections.service';
import { SiuRunsService } from '../runs/siu-runs.service';
import { SIU_OPTIONS, type SiuOptions } from '../siu.options';

/** Other instances learn of a saved connection within this long. */
const RELOAD_MS = 10_000;
const JOB_PREFIX = 'siu-run:';

/**
 * One cron job per hospital (PRODUCT.md: cron and time zone per connection, default daily at 06:00
 * Europe/Brussels), registered at start-up and replaced when a connection is saved. Every instance runs
 * the jobs; the run table lets one run per tick and hospital start (siu_runs_one_per_tick).
 */
@Injectable()
export class SiuSchedulesService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SiuSchedulesService');
  private readonly active = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly connections: SiuConnectionsRepository,
    private readonly connectionsService: SiuConnectionsService,
    private readonly runs: SiuRunsService,
    @Inject(SIU_OPTIONS) private readonly options: SiuOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.schedules) return;
    this.connectionsService.onSaved(() => void this.reload());
    await this.reload();
    this.timer = setInterval(() => void this.reload(), RELOAD_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.reloading;
    for (const hospitalId of [...this.active.keys()]) this.remove(hospitalId);
  }

  /** Brings the jobs in line with the stored connections; one reload at a time. */
  reload(): Promise<void> {
    this.reloading = this.reloading
      .then(() => this.apply())
      .catch((error: unknown) => {
        this.logger.warn({ msg: 'reloading SIU schedules failed', error: (error as Error)?.message });
      });
    return this.reloading;
  }

  private async apply(): Promise<void> {
    const schedules = await this.connections.schedules();
    const seen = new Set<string>();
    for (const { hospitalId, schedule, timezone } of schedules) {
      seen.add(hospitalId);
      const signature = `${schedule}|${timezone}`;
      if (this.active.get(hospitalId) === signature) continue;
      this.remove(hospitalId);
      const job = CronJob.from({
        cronTime: schedule,
        timeZone: timezone,
        start: true,
        onTick: () => void this.tick(hospitalId),
      });
      this.registry.addCronJob(JOB_PREFIX + hospitalId, job);
      this.active.set(hospitalId, signature);
    }
    for (const hospitalId of [...this.active.keys()]) if (!seen.has(hospitalId)) this.remove(hospitalId);
  }

  private remove(hospitalId: string): void {
    if (!this.active.has(hospitalId)) return;
    // @nestjs/schedule deletes registered jobs itself on shutdown, possibly before this service.
    if (this.registry.doesExist('cron', JOB_PREFIX + hospitalId))
      this.registry.deleteCronJob(JOB_PREFIX + hospitalId);
    this.active.delete(hospitalId);
  }

  private async tick(hospitalId: string): Promise<void> {
    // Instances tick within milliseconds of the cron's second: rounding gives them the same tick.
    const scheduledFor = new Date(Math.round(Date.now() / 1000) * 1000);
    try {
      await this.runs.runScheduled(hospitalId, scheduledFor);
    } catch (error) {
      this.logger.error({
        msg: 'scheduled SIU run could not start',
        hospitalId,
        error: (error as Error)?.message,
      });
    }
  }
}
