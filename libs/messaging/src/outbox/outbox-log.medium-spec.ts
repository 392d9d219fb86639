import {
  dataSourceOptions,
  DAY_MS,
  listPartitions,
  openDataSource,
  partitionName,
  startOfUtcDay,
} from '@bridge/database';
import { createTestDatabase, expectEventually } from '@bridge/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { InProcessBroker } from '../in-process/in-process.broker';
import { InProcessTransport } from '../in-process/in-process.transport';
import type { MessagingOptions } from '../messaging.options';
import { BusClient } from '../nest/bus.client';
import { messagingTablesMigration } from './messaging-tables.migration';
import { Outbox } from './outbox';
import { outboxGroupedEventsMigration } from './outbox-grouped-events.migration';
import { outboxLogMigration } from './outbox-log.migration';
import { maintainOutbox, unrelayedSql } from './outbox-partitions';
import { OutboxRelay } from './outbox.relay';

/**
 * Medium test (docs/testing.md): the outbox read as a log with a cursor, on a real PostgreSQL. What it must
 * keep from the table it replaced: every committed event published once, none of a rolled-back transaction,
 * an open transaction holding back only its own rows; what it adds: a row committed late (its transaction
 * began writing before another that committed first) is not jumped over, and relayed days go without a
 * DELETE per row.
 */
describe('outbox log (medium)', () => {
  const options: MessagingOptions = {
    service: 'outbox-log-test',
    schema: 'outbox_log_test',
    rpcTimeoutMs: 1000,
    outboxPollMs: 1000,
    outboxIdlePollMs: 1000,
  };
  const schema = options.schema;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let received: string[];
  let receivedIds: string[];
  let receivedMeta: { correlationId: string; traceparent?: string }[];
  let client: BusClient;
  const outbox = new Outbox(options);

  const open = (withLog: boolean): Promise<DataSource> =>
    openDataSource(
      dataSourceOptions({
        schema,
        url: database.url,
        entities: [],
        migrations: [
          messagingTablesMigration(schema),
          ...(withLog ? [outboxLogMigration(schema), outboxGroupedEventsMigration(schema)] : []),
        ],
      }),
      schema,
    );
  const event = (patientId: string) => ({
    hospitalId: randomUUID(),
    patientId,
    created: true,
    source: 'api' as const,
  });
  const add = (patientId: string) =>
    dataSource.transaction((manager) =>
      outbox.add(manager, 'patients.patient.upserted.v1', event(patientId)),
    );
  const relay = () => new OutboxRelay(dataSource, client, outbox, options);
  const outboxTable = { schema, table: 'outbox' };
  const names = async () => (await listPartitions(dataSource, outboxTable)).map((p) => p.name);

  beforeAll(async () => {
    database = await createTestDatabase();
    // Rows written before the upgrade, in the old table: the migration must keep them and their order.
    const old = await open(false);
    for (const [index, patientId] of ['old-1', 'old-2', 'old-3'].entries()) {
      await old.query(
        `INSERT INTO "${schema}".outbox (id, event, payload, correlation_id, created_at)
         VALUES ($1, 'patients.patient.upserted.v1', $2, 'c', now() - make_interval(secs => $3))`,
        [randomUUID(), JSON.stringify(event(patientId)), 10 - index],
      );
    }
    await old.destroy();
    dataSource = await open(true);
    received = [];
    receivedIds = [];
    receivedMeta = [];
    const transport = new InProcessTransport(new InProcessBroker());
    await transport.subscribe(
      'patients.patient.upserted.v1',
      { queue: 'outbox-log-test.listener', prefetch: 50, maxAttempts: 1, backoffMs: 10 },
      async (payload, meta) => {
        received.push((payload as { patientId: string }).patientId);
        receivedIds.push(meta.messageId);
        receivedMeta.push({ correlationId: meta.correlationId, traceparent: meta.traceparent });
      },
    );
    client = new BusClient(transport, options.rpcTimeoutMs);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  /**
   * Flushes until `count` events arrived (bounded) and answers them. Not one flush: a write transaction of
   * another suite on the same server may be open, and rows committed after it began wait until it ends.
   */
  const relayed = async (count: number, relays = [relay()]): Promise<{ sent: number; got: string[] }> => {
    const deadline = Date.now() + 10_000;
    let sent = 0;
    while (received.length < count && Date.now() < deadline) {
      sent += (await Promise.all(relays.map((r) => r.flush()))).reduce((a, b) => a + b, 0);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return { sent, got: received.splice(0, received.length) };
  };

  it('relays the rows pending at the upgrade in their old order, then never again', async () => {
    expect(await relayed(3)).toEqual({ sent: 3, got: ['old-1', 'old-2', 'old-3'] });
    expect(await relay().flush()).toBe(0);
  });

  it('relays a row committed while an older transaction is open, and that one’s row once it commits', async () => {
    const early = dataSource.createQueryRunner();
    await early.startTransaction();
    try {
      // `early` takes its transaction id first, then `late` writes and commits while `early` is still open:
      // `late` is not held back by it (a large SIU file's store must not stall every event), and `early`,
      // committing last with the smaller id, is not jumped over.
      await outbox.add(early.manager, 'patients.patient.upserted.v1', event('early'));
      await add('late');
      expect(await relayed(1)).toEqual({ sent: 1, got: ['late'] });
      await early.commitTransaction();
    } finally {
      await early.release();
    }
    expect(await relayed(1)).toEqual({ sent: 1, got: ['early'] });
  });

  it('never relays a rolled-back row, and relays the next committed one', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await outbox.add(manager, 'patients.patient.upserted.v1', event('rolled-back'));
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await add('after');
    expect(await relayed(1)).toEqual({ sent: 1, got: ['after'] });
  });

  it('relays each row once when two instances relay side by side', async () => {
    const ids = Array.from({ length: 450 }, (_, index) => `side-${index}`);
    for (let index = 0; index < ids.length; index += 50) {
      await Promise.all(ids.slice(index, index + 50).map(add));
    }
    const { sent, got } = await relayed(ids.length, [relay(), relay()]);
    expect(sent).toBe(ids.length);
    expect(got).toHaveLength(ids.length);
    expect(new Set(got)).toEqual(new Set(ids));
  });

  it('publishes a grouped row’s events one by one, a page stopping at its event budget, each once with its stored id', async () => {
    // Three statements of 150 events, one grouped row each, then an ordinary row: a page takes rows while
    // the events before them are under 200, so the first page takes two rows (300 events), the next the rest.
    const grouped = (from: number) =>
      outbox.withEvent(
        { sql: `SELECT n FROM generate_series($1::int, $1::int + 149) AS n`, parameters: [from] },
        'patients.patient.upserted.v1',
        `json_build_object('hospitalId', gen_random_uuid(), 'patientId', 'grouped-' || n, 'created', true, 'source', 'api')`,
        { grouped: true },
      );
    const rowCount = async (): Promise<number> =>
      (await dataSource.query(`SELECT count(*)::int AS count FROM "${schema}".outbox`))[0].count;
    const rowsBefore = await rowCount();
    await dataSource.transaction(async (manager) => {
      for (const from of [1, 151, 301]) {
        const statement = grouped(from);
        await manager.query(statement.sql, statement.parameters);
      }
      // A statement that changes nothing writes no row.
      const none = outbox.withEvent(
        { sql: `SELECT 1 AS n WHERE false`, parameters: [] },
        'patients.patient.upserted.v1',
        `json_build_object('patientId', 'never')`,
        { grouped: true },
      );
      await manager.query(none.sql, none.parameters);
    });
    await add('after-grouped');
    expect((await rowCount()) - rowsBefore).toBe(4);

    receivedIds.splice(0, receivedIds.length); // the earlier tests' events
    // Events published per page: a page is one relay transaction.
    const perPage: number[] = [];
    const transaction = dataSource.transaction.bind(dataSource) as (work: unknown) => Promise<unknown>;
    const emit = client.emit.bind(client);
    const spies = [
      jest.spyOn(dataSource, 'transaction').mockImplementation(((work: unknown) => {
        perPage.push(0);
        return transaction(work);
      }) as never),
      jest.spyOn(client, 'emit').mockImplementation((pattern, record) => {
        perPage[perPage.length - 1] += 1;
        return emit(pattern, record);
      }),
    ];
    const expected = [...Array.from({ length: 450 }, (_, index) => `grouped-${index + 1}`), 'after-grouped'];
    try {
      expect(await relayed(expected.length)).toEqual({ sent: expected.length, got: expected });
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
    const pages = perPage.filter((events) => events > 0);
    expect(pages[0]).toBe(300);
    expect(Math.max(...pages)).toBeLessThan(200 + 150);
    const stored: { id: string }[] = await dataSource.query(
      `SELECT e->>'id' AS id FROM "${schema}".outbox o, jsonb_array_elements(o.payload) WITH ORDINALITY AS x (e, i)
       WHERE jsonb_typeof(o.payload) = 'array' ORDER BY o.txid, o.seq, x.i`,
    );
    const published = receivedIds.splice(0, receivedIds.length);
    expect(published.slice(0, 450)).toEqual(stored.map((row) => row.id));
    expect(new Set(published).size).toBe(expected.length);
    expect(await relay().flush()).toBe(0);
  });

  it("publishes each event of a statement shared by several requests with its own request's correlation id and trace", async () => {
    // withEvent's `before` gives the statement its input rows; `context` reads each row's request from them.
    const requests = ['one', 'two'].map((name) => ({
      patientId: `shared-${name}`,
      correlationId: `correlation-${name}`,
      traceparent: `00-${randomUUID().replace(/-/g, '')}-${'2'.repeat(16)}-01`,
    }));
    const statement = outbox.withEvent(
      {
        sql: `SELECT patient_id FROM incoming`,
        parameters: [
          requests.map((r) => r.patientId),
          requests.map((r) => r.correlationId),
          requests.map((r) => r.traceparent),
        ],
      },
      'patients.patient.upserted.v1',
      `json_build_object('hospitalId', gen_random_uuid(), 'patientId', changed.patient_id, 'created', true, 'source', 'api')`,
      {
        before: `incoming AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS i (patient_id, correlation_id, traceparent))`,
        from: 'changed JOIN incoming i ON i.patient_id = changed.patient_id',
        context: { correlationId: 'i.correlation_id', traceparent: 'i.traceparent' },
      },
    );
    // The event's name follows the statement's own parameters; no correlation parameters after it.
    expect(statement.parameters).toHaveLength(4);
    const rows = await dataSource.query(statement.sql, statement.parameters);
    expect(rows).toHaveLength(2);
    // Each row keeps its request's trace; the relay continues it when tracing is on (off here).
    const stored: { patientId: string; traceparent: string }[] = await dataSource.query(
      `SELECT payload->>'patientId' AS "patientId", traceparent FROM "${schema}".outbox
        WHERE payload->>'patientId' LIKE 'shared-%' ORDER BY 1`,
    );
    expect(stored).toEqual(requests.map(({ patientId, traceparent }) => ({ patientId, traceparent })));
    const before = received.length;
    const { got } = await relayed(before + 2);
    const published = receivedMeta.splice(0, receivedMeta.length).slice(-got.length);
    expect(
      got
        .map((patientId, index) => ({ patientId, correlationId: published[index].correlationId }))
        .filter(({ patientId }) => patientId.startsWith('shared-'))
        .sort((a, b) => a.patientId.localeCompare(b.patientId)),
    ).toEqual(requests.map(({ patientId, correlationId }) => ({ patientId, correlationId })));
  });

  it('drops an ended day once all of it was relayed, and keeps it while a row is pending', async () => {
    await add('pending');
    const today = startOfUtcDay(new Date());
    const day = (offset: number) => partitionName(outboxTable, new Date(today.getTime() + offset * DAY_MS));
    const twoDaysOn = new Date(today.getTime() + 2 * DAY_MS + 60_000);

    const held = await maintainOutbox(dataSource, schema, twoDaysOn);
    expect(held).toEqual({ ran: true, partitionsDropped: 1, defaultRowsRemoved: 0 });
    expect(await names()).toEqual(expect.arrayContaining([day(0), day(2), day(4)]));
    expect(await names()).not.toContain(day(1)); // ended and empty: nothing to wait for

    expect((await relayed(1)).got).toEqual(['pending']);
    const afterRelay = await maintainOutbox(dataSource, schema, twoDaysOn);
    expect(afterRelay.partitionsDropped).toBe(1);
    expect(await names()).not.toContain(day(0));
    const [{ pending }] = await dataSource.query(
      `SELECT count(*)::int AS pending FROM (${unrelayedSql(schema, '1')}) AS unrelayed`,
    );
    expect(pending).toBe(0);
  });

  it('catches up when the day partition is missing: rows go to the default partition, the day is made once they are relayed', async () => {
    // The previous test dropped today's partition, as after a stop longer than the days made ahead.
    const today = partitionName(outboxTable, new Date());
    await add('while-missing');
    const blocked = await maintainOutbox(dataSource, schema);
    expect(blocked).toEqual({ ran: true, partitionsDropped: 0, defaultRowsRemoved: 0 });
    expect(await names()).not.toContain(today);

    expect((await relayed(1)).got).toEqual(['while-missing']);
    const caughtUp = await maintainOutbox(dataSource, schema);
    expect(caughtUp).toEqual({ ran: true, partitionsDropped: 0, defaultRowsRemoved: 1 });
    expect(await names()).toContain(today);
  });

  it('at its idle pace, relays a row written here within a fast look, and with it one it was not told of', async () => {
    // Idle for ten minutes: the row arrives in time only because writing it here brings the fast pace back.
    const paced: MessagingOptions = {
      ...options,
      service: 'outbox-pace-test',
      outboxPollMs: 20,
      outboxIdlePollMs: 600_000,
    };
    const writer = new Outbox(paced);
    const queries = jest.spyOn(dataSource, 'query');
    const looks = () => queries.mock.calls.filter(([sql]) => String(sql).startsWith('SELECT EXISTS')).length;
    const idle = new OutboxRelay(dataSource, client, writer, paced);
    idle.onApplicationBootstrap();
    try {
      await expectEventually(() => expect(looks()).toBeGreaterThanOrEqual(1)); // found nothing: the next is the idle one
      // As another instance writes a row: this relay is not told of it.
      await dataSource.query(
        `INSERT INTO "${schema}".outbox (id, event, payload, correlation_id, created_at)
         VALUES ($1, 'patients.patient.upserted.v1', $2, 'c', clock_timestamp())`,
        [randomUUID(), JSON.stringify(event('other-instance'))],
      );
      await dataSource.transaction((manager) =>
        writer.add(manager, 'patients.patient.upserted.v1', event('written-here')),
      );
      await expectEventually(() => expect(received).toEqual(['other-instance', 'written-here']));
    } finally {
      await idle.beforeApplicationShutdown();
      queries.mockRestore();
      received.splice(0, received.length);
    }
  });
});
