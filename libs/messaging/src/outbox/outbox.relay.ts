import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { ServiceMetrics } from '@bridge/observability';
import { DataSource } from 'typeorm';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import { lastValueFrom } from 'rxjs';
import { BusClient } from '../nest/bus.client';
import { BusRecord } from '../nest/bus-record';
import { Outbox, type GroupedEvent } from './outbox';
import { maintainOutbox, unrelayedSql } from './outbox-partitions';
import { RelayPace } from './relay-pace';

interface OutboxRow {
  txid: string;
  seq: string;
  id: string;
  event: string;
  /** Null for a row read past the page's budget (`taken` false): it is read again by the next page. */
  payload: unknown;
  correlation_id: string;
  traceparent: string | null;
  taken: boolean;
}

/** Rows read per page, and the events a page publishes: a page stops at the row that reaches the budget. */
const PAGE_ROWS = 200;
const PAGE_EVENTS = 200;

/** How often the relay makes coming days' partitions and drops relayed ones (maintainOutbox). */
const MAINTENANCE_EVERY_MS = 10 * 60_000;

/** Where the relay is (`outbox_relayed`), snapshots as text. */
interface Cursor {
  relayed_upto: string;
  batch_upto: string;
  after_txid: string;
  after_seq: string;
}

/**
 * Publishes committed outbox rows and then moves its cursor past them (outbox-log.migration.ts): a relayed
 * row is never updated or deleted on its own, its day partition goes later (maintainOutbox).
 *
 * Batches are delimited by snapshots, as PgQ does: a batch is every row whose transaction is visible in a
 * snapshot taken when the batch starts (`batch_upto`) and was not in the one the previous batch ended with
 * (`relayed_upto`). Every committed transaction becomes visible in exactly one such step, so no row is
 * jumped over, however late it commits; and a transaction left open long (a large SIU file's store) holds
 * back only its own rows, not those committed after it began. A batch larger than a page is published
 * in (txid, seq) pages, its place kept in `after_txid, after_seq`.
 *
 * One instance relays a schema at a time (a transaction advisory lock; the others skip the batch). A crash
 * between publish and the cursor's update republishes: consumers are idempotent (Inbox) by message id =
 * outbox row id (a grouped row's events: the ids stored with them).
 *
 * It polls every outboxPollMs while there is work and every outboxIdlePollMs otherwise (RelayPace): a row
 * written in this process (Outbox.onWrite) brings the fast pace back at once, so an idle platform's events
 * still leave within a fast interval, and under load the pace is the fast one throughout.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires; undefined while a poll runs. */
  private wakeAt: number | undefined;
  private readonly pace: RelayPace;
  private stopListening: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private stopLagCollector: (() => void) | undefined;
  private maintenanceDueAt = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly client: BusClient,
    private readonly outbox: Outbox,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {
    this.pace = new RelayPace({ fastMs: options.outboxPollMs, idleMs: options.outboxIdlePollMs });
  }

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
    this.stopListening = this.outbox.onWrite(() => this.expectRows());
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopListening?.();
    this.stopLagCollector?.();
    clearTimeout(this.timer);
    await this.running;
  }

  /** Read at scrape time: the oldest row past the cursor, found by the log-order index. */
  async lagSeconds(): Promise<number> {
    const [row]: { lag: number | string | null }[] = await this.dataSource.query(
      `SELECT EXTRACT(EPOCH FROM clock_timestamp() - min(created_at))::float8 AS lag
       FROM (${unrelayedSql(this.options.schema, 'o.created_at')}) AS unrelayed`,
    );
    return Math.max(0, Number(row?.lag ?? 0));
  }

  /** Publishes everything pending now; returns how many events left. Also used by tests and benchmarks. */
  async flush(): Promise<number> {
    // Polled by every service, at either pace: an empty outbox (the usual case) costs one read, not the
    // BEGIN, lock, SELECT, UPDATE and COMMIT of a batch; on an idle platform that was most of PostgreSQL's work.
    if (!(await this.hasPending())) return 0;
    this.pace.worked(Date.now());
    let total = 0;
    for (;;) {
      const page = await this.relayPage();
      total += page.events;
      if (!page.more) return total;
    }
  }

  private async hasPending(): Promise<boolean> {
    const [row]: { pending: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (${unrelayedSql(this.options.schema, '1')}) AS pending`,
      [], // prepared: planned once per connection, not on every poll
    );
    return row?.pending === true;
  }

  /**
   * A row is about to be written here: back to the fast pace, and when asleep for an idle interval, the next
   * look one fast interval from now (the row commits meanwhile) rather than at the end of it.
   */
  private expectRows(): void {
    const now = Date.now();
    this.pace.worked(now);
    const { outboxPollMs } = this.options;
    if (this.wakeAt !== undefined && this.wakeAt > now + outboxPollMs) {
      clearTimeout(this.timer);
      this.schedule(outboxPollMs);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.wakeAt = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.wakeAt = undefined;
      // flush() drains the outbox (full batches follow each other at once), so the next look waits a poll even
      // after events left: going again at once found the one or two rows committed meanwhile, a whole batch's
      // statements for each, several queries per event under a steady push (benchmark P1).
      this.running = this.maintainWhenDue()
        .then(() => this.flush())
        .then(() => this.schedule(this.pace.waitAt(Date.now())))
        .catch((error: unknown) => {
          // While the service stops, the database may close under a batch in flight: it is relayed next start.
          if (!this.stopped) this.logger.warn(`outbox relay failed, retrying: ${(error as Error).message}`);
          this.schedule(Math.max(this.options.outboxPollMs, 1000));
        });
    }, delayMs);
  }

  /** Publishes one page of the batch in progress (or of a new one); `more`: the batch goes on. */
  private async relayPage(): Promise<{ events: number; more: boolean }> {
    const schema = this.options.schema;
    return this.dataSource.transaction(async (manager) => {
      const [{ relaying }]: { relaying: boolean }[] = await manager.query(
        'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS relaying',
        [`outbox-relay:${schema}`],
      );
      if (!relaying) return { events: 0, more: false };
      // Statements of their own after the lock: their snapshots see the cursor the previous holder committed.
      // A new batch starts at the previous snapshot's xmin: every row below it was visible there, so relayed.
      const [cursor]: (Cursor & { fresh: boolean })[] = await manager.query(
        `SELECT relayed_upto::text, COALESCE(batch_upto, pg_current_snapshot())::text AS batch_upto,
           batch_upto IS NULL AS fresh,
           (CASE WHEN batch_upto IS NULL THEN pg_snapshot_xmin(relayed_upto) ELSE after_txid END)::text AS after_txid,
           CASE WHEN batch_upto IS NULL THEN 0 ELSE after_seq END AS after_seq
         FROM "${schema}".outbox_relayed`,
      );
      // Only the (txid, seq) lower bound as a range: with more range conditions PostgreSQL estimated a handful
      // of rows and sorted every remaining row of the batch for each page (a whole SIU file is one txid),
      // where this walks the index in order and stops at the page's end. A row is taken while the events of the
      // rows before it are under the budget (a grouped row holds many), so a page's size stays bounded and its
      // first row is always taken; the payloads of the rows past it are not read out.
      const page: OutboxRow[] = await manager.query(
        `SELECT txid, seq, id, event, CASE WHEN taken THEN payload END AS payload, correlation_id, traceparent, taken
         FROM (
           SELECT o.txid::text AS txid, o.seq, o.id, o.event, o.payload, o.correlation_id, o.traceparent,
             sum(o.events) OVER (ORDER BY o.txid, o.seq) - o.events < ${PAGE_EVENTS} AS taken
           FROM "${schema}".outbox o
           WHERE (o.txid, o.seq) > ($3::xid8, $4::bigint)
             AND pg_visible_in_snapshot(o.txid, $2::pg_snapshot) AND NOT pg_visible_in_snapshot(o.txid, $1::pg_snapshot)
           ORDER BY o.txid, o.seq LIMIT ${PAGE_ROWS}
         ) page`,
        [cursor.relayed_upto, cursor.batch_upto, cursor.after_txid, cursor.after_seq],
      );
      const rows = page.filter((row) => row.taken);
      const events = rows.flatMap(eventsOf);
      await Promise.all(
        events.map(({ row, id, payload }) =>
          lastValueFrom(
            this.client.emit(
              row.event,
              new BusRecord(payload, {
                messageId: id,
                correlationId: row.correlation_id,
                ...(row.traceparent ? { traceparent: row.traceparent } : {}),
              }),
            ),
            { defaultValue: undefined },
          ),
        ),
      );
      const more = rows.length < page.length || page.length === PAGE_ROWS;
      if (more) {
        const last = rows[rows.length - 1];
        await manager.query(
          `UPDATE "${schema}".outbox_relayed
           SET batch_upto = $1::pg_snapshot, after_txid = $2::xid8, after_seq = $3, relayed_at = clock_timestamp()`,
          [cursor.batch_upto, last.txid, last.seq],
        );
      } else if (rows.length > 0 || !cursor.fresh) {
        // The batch is done: every row its snapshot sees is out.
        await manager.query(
          `UPDATE "${schema}".outbox_relayed
           SET relayed_upto = $1::pg_snapshot, batch_upto = NULL, after_txid = '0', after_seq = 0,
             relayed_at = clock_timestamp()`,
          [cursor.batch_upto],
        );
      }
      return { events: events.length, more };
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

/** The events of a row: a grouped row's each with the id stored with it, else the row itself. */
function eventsOf(row: OutboxRow): { row: OutboxRow; id: string; payload: unknown }[] {
  return Array.isArray(row.payload)
    ? (row.payload as GroupedEvent[]).map((event) => ({ row, id: event.id, payload: event.payload }))
    : [{ row, id: row.id, payload: row.payload }];
}
