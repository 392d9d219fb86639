import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ServiceMetrics } from '@bridge/observability';
import { DataSource } from 'typeorm';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import { lastValueFrom } from 'rxjs';
import { BusClient } from '../nest/bus.client';
import { BusRecord } from '../nest/bus-record';

interface OutboxRow {
  id: string;
  event: string;
  payload: unknown;
  correlation_id: string;
  traceparent: string | null;
}

const BATCH_SIZE = 200;

/**
 * Publishes committed outbox rows and deletes them once the broker confirmed. Rows are claimed with
 * FOR UPDATE SKIP LOCKED, so several instances of a service can relay side by side. A crash between
 * publish and delete republishes: consumers are idempotent (Inbox) by message id = outbox row id.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private stopLagCollector: (() => void) | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly client: BusClient,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.stopLagCollector = new ServiceMetrics(this.options.service)
      .gauge({
        name: 'bridge_outbox_lag_seconds',
        help: 'Age of the oldest outbox row not yet relayed to the bus (0 when the outbox is empty), per schema.',
        labelNames: ['schema'],
      })
      .collectWith(this.options.schema, async () => [
        { labels: { schema: this.options.schema }, value: await this.lagSeconds() },
      ]);
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopLagCollector?.();
    clearTimeout(this.timer);
    await this.running;
  }

  /** Read at scrape time: one indexed min() on created_at. */
  async lagSeconds(): Promise<number> {
    const [row]: { lag: number | string | null }[] = await this.dataSource.query(
      `SELECT EXTRACT(EPOCH FROM clock_timestamp() - min(created_at))::float8 AS lag FROM "${this.options.schema}".outbox`,
    );
    return Math.max(0, Number(row?.lag ?? 0));
  }

  /** Publishes everything pending now; returns how many events left. Also used by tests and benchmarks. */
  async flush(): Promise<number> {
    // Polled every outboxPollMs by every service: an empty outbox (the usual case) costs one read, not the
    // BEGIN, SELECT FOR UPDATE and COMMIT of a batch; on an idle platform that was most of PostgreSQL's work.
    if (!(await this.hasPending())) return 0;
    let total = 0;
    for (;;) {
      const sent = await this.relayBatch();
      total += sent;
      if (sent < BATCH_SIZE) return total;
    }
  }

  private async hasPending(): Promise<boolean> {
    const [row]: { pending: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM "${this.options.schema}".outbox) AS pending`,
    );
    return row?.pending === true;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      // flush() drains the outbox (full batches follow each other at once), so the next look waits a poll even
      // after events left: going again at once found the one or two rows committed meanwhile, a BEGIN, SELECT,
      // DELETE and COMMIT for each, several queries per event under a steady push (benchmark P1).
      this.running = this.flush()
        .then(() => this.schedule(this.options.outboxPollMs))
        .catch((error: unknown) => {
          // While the service stops, the database may close under a batch in flight: it is relayed next start.
          if (!this.stopped) this.logger.warn(`outbox relay failed, retrying: ${(error as Error).message}`);
          this.schedule(Math.max(this.options.outboxPollMs, 1000));
        });
    }, delayMs);
  }

  private async relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, event, payload, correlation_id, traceparent FROM "${this.options.schema}".outbox
         ORDER BY created_at, id LIMIT ${BATCH_SIZE} FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return 0;
      await Promise.all(
        rows.map((row) =>
          lastValueFrom(
            this.client.emit(
              row.event,
              new BusRecord(row.payload, {
                messageId: row.id,
                correlationId: row.correlation_id,
                ...(row.traceparent ? { traceparent: row.traceparent } : {}),
              }),
            ),
            { defaultValue: undefined },
          ),
        ),
      );
      await manager.query(`DELETE FROM "${this.options.schema}".outbox WHERE id = ANY($1::uuid[])`, [
        rows.map((row) => row.id),
      ]);
      return rows.length;
    });
  }
}
