import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { ensureDayPartitions } from './daily-partitions';
import { ScheduledPass } from './scheduled-pass';
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
export class JournalRetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JournalRetentionJob.name);
  private readonly pass: ScheduledPass<PruneReport>;

  constructor(
    private readonly dataSource: DataSource,
    registry: SchedulerRegistry,
    private readonly source: RetentionPolicySource,
    @Inject(JOURNAL_RETENTION_OPTIONS) private readonly options: JournalRetentionOptions,
  ) {
    const { schema, table } = options.journal;
    this.pass = new ScheduledPass(registry, `retention:${schema}.${table}`, (now) => this.prune(now));
  }

  async onApplicationBootstrap(): Promise<void> {
    // Another instance starting at once may create the same partition: the next run makes up for it.
    await ensureDayPartitions(this.dataSource, this.options.journal, new Date())
      .then((blocked) => this.warnBlocked(blocked))
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'could not create the day partitions ahead', error }),
      );
    this.pass.start(this.options.cron);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.pass.stop();
  }

  /** Days left in the default partition (ensureDayPartition): pruned row by row, worth an operator's look. */
  private warnBlocked(days: string[]): void {
    if (days.length === 0) return;
    const { schema, table } = this.options.journal;
    this.logger.warn({
      msg: 'day partitions could not be made: their rows stay in the default partition',
      table: `${schema}.${table}`,
      days,
    });
  }

  /** One pruning pass now (a tick while one runs in this instance joins it). */
  runOnce(now = new Date()): Promise<PruneReport> {
    return this.pass.run(now);
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
      this.warnBlocked(report.daysBlocked);
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
