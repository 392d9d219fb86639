import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DomainError, type SiuRunV1 } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { randomUUID } from 'node:crypto';
import { SiuConnectionsRepository } from '../connections/siu-connections.repository';
import { SiuMetrics } from './siu-metrics';
import { SiuRunFetcher, type FetchSignal } from './siu-run.fetcher';
import { SiuRunsRepository } from './siu-runs.repository';

const DEFAULT_LIST_LIMIT = 20;

/** Starting runs (run now, or a schedule tick) and reading their reports (PRODUCT.md SiuRun). */
@Injectable()
export class SiuRunsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('SiuRunsService');
  private readonly signal: FetchSignal = { stopping: false };
  private readonly fetching = new Set<Promise<void>>();

  constructor(
    private readonly runs: SiuRunsRepository,
    private readonly connections: SiuConnectionsRepository,
    private readonly fetcher: SiuRunFetcher,
    private readonly bus: Bus,
    private readonly metrics: SiuMetrics,
  ) {}

  /** Run now: answers at once with the running run; the files are taken in the background. */
  async runNow(hospitalId: string): Promise<SiuRunV1> {
    const started = await this.start(hospitalId, { trigger: 'manual' });
    if (started.outcome === 'not_configured') {
      throw new DomainError('SIU_NOT_CONFIGURED', 'This hospital has no SIU connection.');
    }
    if (started.outcome !== 'started') {
      const runId = await this.runs.runningId(hospitalId);
      throw new DomainError(
        'SIU_RUN_IN_PROGRESS',
        'A run of this hospital is still running.',
        runId ? { runId } : undefined,
      );
    }
    return started.run;
  }

  /** A schedule tick; every instance ticks, one run per tick and hospital starts. */
  async runScheduled(hospitalId: string, scheduledFor: Date): Promise<void> {
    const started = await this.start(hospitalId, { trigger: 'schedule', scheduledFor });
    if (started.outcome === 'in_progress') {
      this.logger.warn({ msg: 'scheduled SIU run skipped: the previous run is still running', hospitalId });
    }
  }

  async list(hospitalId: string, limit?: number): Promise<SiuRunV1[]> {
    await this.bus.requireHospital(hospitalId);
    return this.runs.list(hospitalId, limit ?? DEFAULT_LIST_LIMIT);
  }

  async get(hospitalId: string, runId: string): Promise<SiuRunV1> {
    const run = await this.runs.find(hospitalId, runId);
    if (!run) throw new DomainError('NOT_FOUND', 'No such SIU run.');
    return run;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.signal.stopping = true;
    await Promise.all([...this.fetching]);
  }

  private async start(
    hospitalId: string,
    options: { trigger: SiuRunV1['trigger']; scheduledFor?: Date },
  ): Promise<
    { outcome: 'started'; run: SiuRunV1 } | { outcome: 'not_configured' | 'in_progress' | 'already_ticked' }
  > {
    if (this.signal.stopping) return { outcome: 'in_progress' };
    const connection = await this.connections.find(hospitalId);
    if (!connection) return { outcome: 'not_configured' };
    const run = { id: randomUUID(), hospitalId, trigger: options.trigger, settings: connection.settings };
    const inserted = await this.runs.insert({ ...run, scheduledFor: options.scheduledFor });
    if (inserted !== 'inserted') return { outcome: inserted };
    this.metrics.run(hospitalId, 'started');
    const work = this.fetcher
      .fetch(run, this.signal)
      .catch((error: unknown) =>
        this.logger.error({ msg: 'SIU run failed', runId: run.id, error: (error as Error)?.message }),
      )
      .finally(() => this.fetching.delete(work));
    this.fetching.add(work);
    return { outcome: 'started', run: (await this.runs.find(hospitalId, run.id))! };
  }
}
