import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { RetentionPolicySource, runAlone, ScheduledPass } from '@bridge/database';
import { DataSource } from 'typeorm';
import { WEBHOOK_OPTIONS, type WebhookOptions } from '../webhook.options';
import { WebhookRetentionRepository } from './webhook-retention.repository';

const JOB_NAME = 'retention:notifier.webhooks';
/** One run at a time across every notifier instance. */
const LOCK_KEY = 'retention:notifier.webhooks';
/** Rows per DELETE: short statements, so recorders and workers writing meanwhile never wait long. */
const BATCH = 5_000;
/**
 * How long a listed patient position is kept: a day. Pruned, it still counts as arrived (its hospital's
 * watermark), so pruning never holds a delivery back; what the watermark may do wrong is let a delivery pass
 * whose predecessor, below the watermark, has not arrived yet. That predecessor took its number before an
 * event notifier recorded more than a day ago (positions grow with time), so its queue lags by more than a
 * day, far past the longest order wait (WEBHOOK_ORDER_WAIT_MS, an hour at most): the delivery would have
 * gone without it anyway. A daily run keeps one to two days of narrow rows.
 */
export const KEEP_PATIENT_POSITIONS_MS = 86_400_000;

export interface WebhookPruneReport {
  /** False when another instance held the lock: nothing was done. */
  ran: boolean;
  positionsRemoved: number;
  deliveriesRemoved: number;
}

/**
 * Webhook retention, on RETENTION_CRON like the services' journals, one instance at a time (session advisory
 * lock): listed patient positions older than KEEP_PATIENT_POSITIONS_MS (behind a per-hospital watermark),
 * then finished deliveries past their hospital's message retention, with their attempts (the delivery log
 * keeps what the message log keeps).
 */
@Injectable()
export class WebhookRetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookRetentionJob.name);
  private readonly pass: ScheduledPass<WebhookPruneReport>;

  constructor(
    registry: SchedulerRegistry,
    private readonly dataSource: DataSource,
    private readonly repository: WebhookRetentionRepository,
    private readonly source: RetentionPolicySource,
    @Inject(WEBHOOK_OPTIONS) private readonly options: WebhookOptions,
  ) {
    this.pass = new ScheduledPass(registry, JOB_NAME, (now) => this.prune(now));
  }

  onApplicationBootstrap(): void {
    this.pass.start(this.options.retentionCron);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.pass.stop();
  }

  /** One pass now (a tick while one runs in this instance joins it). */
  runOnce(now = new Date()): Promise<WebhookPruneReport> {
    return this.pass.run(now);
  }

  private async prune(now: Date): Promise<WebhookPruneReport> {
    const report: WebhookPruneReport = { ran: false, positionsRemoved: 0, deliveriesRemoved: 0 };
    try {
      report.ran = await runAlone(this.dataSource, LOCK_KEY, async () => {
        report.positionsRemoved = await inBatches(() =>
          this.repository.prunePatientPositions(KEEP_PATIENT_POSITIONS_MS, BATCH),
        );
        const policy = await this.source.policy();
        report.deliveriesRemoved = await inBatches(() =>
          this.repository.pruneFinishedDeliveries(policy, now, BATCH),
        );
      });
      if (report.ran) this.logger.log({ msg: 'webhook retention ran', ...report });
      return report;
    } catch (error) {
      this.logger.error({ msg: 'webhook retention failed', ...report, error: (error as Error)?.message });
      throw error;
    }
  }
}

/** Runs a batch DELETE until one removes less than a full batch; answers the rows removed in all. */
async function inBatches(prune: () => Promise<number>): Promise<number> {
  let removed = 0;
  let batch: number;
  do {
    batch = await prune();
    removed += batch;
  } while (batch === BATCH);
  return removed;
}
