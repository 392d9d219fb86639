import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { DataSource } from 'typeorm';
import { ensureDayPartitions } from './daily-partitions';
import {
  type PruneReport,
  type RetainedJournal,
  type RetentionPolicy,
  pruneJournal,
} from './journal-retention';

export const JOURNAL_RETENTION_OPTIONS = Symbol('JOURNAL_RETENTION_OPTIONS');

export interface JournalRetentionOptions {
  journal: RetainedJournal;
  /** Cron expression (UTC), e.g. `17 3 * * *`; `off`: this instance never prunes. */
  cron: string;
}

/** Where the hospitals' retention comes from (user-provisioning, over the bus). */
export abstract class RetentionPolicySource {
  abstract policy(): Promise<RetentionPolicy>;
}

/**
 * The journal's retention job: on its cron, asks for the hospitals' retention and prunes
 * (`pruneJournal`: one run at a time across instances, by advisory lock). It also creates the day
 * partitions ahead at start, so a fresh instance never writes into the default partition.
 */
@Injectable()
export class JournalRetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JournalRetentionJob.name);
  private running: Promise<PruneReport> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: SchedulerRegistry,
    private readonly source: RetentionPolicySource,
    @Inject(JOURNAL_RETENTION_OPTIONS) private readonly options: JournalRetentionOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Another instance starting at once may create the same partition: the next run makes up for it.
    await ensureDayPartitions(this.dataSource, this.options.journal, new Date()).catch((error: unknown) =>
      this.logger.warn({ msg: 'could not create the day partitions ahead', error }),
    );
    if (this.options.cron === 'off') return;
    const job = CronJob.from({
      cronTime: this.options.cron,
      timeZone: 'UTC',
      onTick: () => void this.runOnce().catch(() => undefined),
      start: true,
    });
    this.registry.addCronJob(this.jobName(), job);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.registry.doesExist('cron', this.jobName())) this.registry.deleteCronJob(this.jobName());
    await this.running?.catch(() => undefined);
  }

  /** One pruning pass now (a tick while one runs in this instance joins it). */
  runOnce(now = new Date()): Promise<PruneReport> {
    this.running ??= this.prune(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async prune(now: Date): Promise<PruneReport> {
    const { journal } = this.options;
    try {
      const report = await pruneJournal(this.dataSource, journal, await this.source.policy(), now);
      if (report.ran)
        this.logger.log({
          msg: 'journal retention ran',
          table: `${journal.schema}.${journal.table}`,
          ...report,
        });
      return report;
    } catch (error) {
      this.logger.error({
        msg: 'journal retention failed',
        table: `${journal.schema}.${journal.table}`,
        error,
      });
      throw error;
    }
  }

  private jobName(): string {
    return `retention:${this.options.journal.schema}.${this.options.journal.table}`;
  }
}

@Module({})
export class JournalRetentionModule {
  /** `policySource` provides RetentionPolicySource (it may inject the service's Bus). */
  static forJournal(options: JournalRetentionOptions, policySource: Provider): DynamicModule {
    return {
      module: JournalRetentionModule,
      providers: [
        { provide: JOURNAL_RETENTION_OPTIONS, useValue: options },
        policySource,
        JournalRetentionJob,
      ],
      exports: [JournalRetentionJob],
    };
  }
}
