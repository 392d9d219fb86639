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
import { maintainOutbox, pendingSql } from './outbox-partitions';

interface OutboxRow {
  txid: string;
  seq: string;
  id: string;
  event: string;
  payload: unknown;
  correlation_id: string;
  traceparent: string | null;
}

const BATCH_SIZE = 200;

/** How often the relay makes coming days' partitions and drops relayed ones (maintainOutbox). */
const MAINTENANCE_EVERY_MS = 10 * 60_000;

/**
 * Publishes committed outbox rows in log order and then moves its cursor past them (outbox-log.migration.ts):
 * a relayed row is never updated or deleted on its own, its day partition goes later (maintainOutbox).
 *
 * Order is (txid, seq), and only rows of transactions older than every transaction still running are read
 * (`txid < pg_snapshot_xmin`): those rows are all committed or rolled back for good, and any row committed
 * later has a greater txid, so the cursor never passes a row that was not yet visible. The price: a write
 * transaction open long anywhere on the server holds events back until it ends (`bridge_outbox_lag_seconds`
 * shows it). PgQ reads its event tables the same way.
 *
 * One instance relays a schema at a time (a transaction advisory lock; the others skip the batch). A crash
 * between publish and the cursor's update republishes: consumers are idempotent (Inbox) by message id =
 * outbox row id.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private stopLagCollector: (() => void) | undefined;
  private maintenanceDueAt = 0;

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

  /** Read at scrape time: the oldest row past the cursor, found by the log-order index. */
  async lagSeconds(): Promise<number> {
    const [row]: { lag: number | string | null }[] = await this.dataSource.query(
      `SELECT EXTRACT(EPOCH FROM clock_timestamp() - min(o.created_at))::float8 AS lag
       FROM "${this.options.schema}".outbox o WHERE ${pendingSql(this.options.schema)}`,
    );
    return Math.max(0, Number(row?.lag ?? 0));
  }

  /** Publishes everything pending now; returns how many events left. Also used by tests and benchmarks. */
  async flush(): Promise<number> {
    // Polled every outboxPollMs by every service: an empty outbox (the usual case) costs one read, not the
    // BEGIN, lock, SELECT, UPDATE and COMMIT of a batch; on an idle platform that was most of PostgreSQL's work.
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
      `SELECT EXISTS (SELECT 1 FROM "${this.options.schema}".outbox o
         WHERE ${pendingSql(this.options.schema)} AND o.txid < pg_snapshot_xmin(pg_current_snapshot())) AS pending`,
    );
    return row?.pending === true;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      // flush() drains the outbox (full batches follow each other at once), so the next look waits a poll even
      // after events left: going again at once found the one or two rows committed meanwhile, a whole batch's
      // statements for each, several queries per event under a steady push (benchmark P1).
      this.running = this.maintainWhenDue()
        .then(() => this.flush())
        .then(() => this.schedule(this.options.outboxPollMs))
        .catch((error: unknown) => {
          // While the service stops, the database may close under a batch in flight: it is relayed next start.
          if (!this.stopped) this.logger.warn(`outbox relay failed, retrying: ${(error as Error).message}`);
          this.schedule(Math.max(this.options.outboxPollMs, 1000));
        });
    }, delayMs);
  }

  private async relayBatch(): Promise<number> {
    const schema = this.options.schema;
    return this.dataSource.transaction(async (manager) => {
      const [{ relaying }]: { relaying: boolean }[] = await manager.query(
        'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS relaying',
        [`outbox-relay:${schema}`],
      );
      if (!relaying) return 0;
      // A statement of its own after the lock: its snapshot sees the cursor the previous holder committed.
      const rows: OutboxRow[] = await manager.query(
        `SELECT o.txid::text AS txid, o.seq, o.id, o.event, o.payload, o.correlation_id, o.traceparent
         FROM "${schema}".outbox o
         WHERE ${pendingSql(schema)} AND o.txid < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY o.txid, o.seq LIMIT ${BATCH_SIZE}`,
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
      const last = rows[rows.length - 1];
      await manager.query(
        `UPDATE "${schema}".outbox_relayed SET txid = $1::xid8, seq = $2, relayed_at = clock_timestamp()`,
        [last.txid, last.seq],
      );
      return rows.length;
    });
  }

  private async maintainWhenDue(): Promise<void> {
    if (Date.now() < this.maintenanceDueAt) return;
    this.maintenanceDueAt = Date.now() + MAINTENANCE_EVERY_MS;
    await maintainOutbox(this.dataSource, this.options.schema).catch((error: unknown) => {
      if (!this.stopped) this.logger.warn(`outbox maintenance failed: ${(error as Error).message}`);
    });
  }
}
