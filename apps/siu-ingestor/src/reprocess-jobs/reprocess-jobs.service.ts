import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { DomainError, type ReprocessFilterV1, type ReprocessJobV1 } from '@bridge/contracts';
import { SiuMessageLogRepository } from '../messages/siu-message-log.repository';
import { SIU_OPTIONS, type SiuOptions } from '../siu.options';
import { ReprocessJobsRepository } from './reprocess-jobs.repository';

const SIU_CHANNELS = new Set(['siu-file', 'siu-mllp']);
const BATCH = 50;

/**
 * Bulk reprocess (PRODUCT.md "Bulk reprocess"): a job replays the failed SIU messages that matched its
 * filter through the single-message path, in the background, on every instance at once (items are taken
 * with SKIP LOCKED), resumable after a crash (an item stays pending until the transaction that replays it
 * commits). Each message is replayed once: within a job by its item, across overlapping jobs because a
 * message already reprocessed after a job started is left alone by that job.
 */
@Injectable()
export class ReprocessJobsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReprocessJobsService.name);
  private timer: NodeJS.Timeout | undefined;
  private working: Promise<void> | undefined;

  constructor(
    private readonly jobs: ReprocessJobsRepository,
    private readonly messages: SiuMessageLogRepository,
    @Inject(SIU_OPTIONS) private readonly options: SiuOptions,
  ) {}

  async start(filter: ReprocessFilterV1): Promise<ReprocessJobV1> {
    if (filter.channel && !SIU_CHANNELS.has(filter.channel)) {
      throw new DomainError(
        'REPROCESS_FILTER_INVALID',
        'Only SIU messages (siu-file, siu-mllp) can be reprocessed.',
      );
    }
    if (filter.status && filter.status !== 'failed') {
      throw new DomainError('REPROCESS_FILTER_INVALID', 'Only failed messages can be reprocessed.');
    }
    const normalized: ReprocessFilterV1 = {
      hospitalId: filter.hospitalId,
      ...(filter.channel ? { channel: filter.channel } : {}),
      status: 'failed',
      ...(filter.type ? { type: filter.type } : {}),
      ...(filter.from ? { from: new Date(filter.from).toISOString() } : {}),
      ...(filter.to ? { to: new Date(filter.to).toISOString() } : {}),
    };
    const job = await this.jobs.start(normalized, JSON.stringify(normalized));
    this.kick();
    return job;
  }

  async get(jobId: string): Promise<ReprocessJobV1> {
    const job = await this.jobs.find(jobId);
    if (!job) throw new DomainError('NOT_FOUND', 'No such job.');
    return job;
  }

  onApplicationBootstrap(): void {
    // Also picks up the jobs a crashed instance left running.
    this.timer = setInterval(() => this.kick(), this.options.superviseIntervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.working;
  }

  private kick(): void {
    this.working ??= this.work()
      .catch((error: unknown) =>
        this.logger.error({ msg: 'bulk reprocess stopped; resumes at the next tick', error }),
      )
      .finally(() => (this.working = undefined));
  }

  private async work(): Promise<void> {
    for (const jobId of await this.jobs.runningJobIds()) {
      while (
        (await this.jobs.takeBatch(jobId, BATCH, async (manager, item) =>
          Boolean(
            await this.messages.reprocessIn(manager, item.hospitalId, item.messageId, item.jobCreatedAt),
          ),
        )) > 0
      );
      await this.jobs.finishIfComplete(jobId);
    }
  }
}
