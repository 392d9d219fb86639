import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  BusClient,
  InProcessBroker,
  InProcessTransport,
  Inbox,
  Outbox,
  OutboxRelay,
  messagingTablesMigration,
  outboxGroupedEventsMigration,
  outboxLogMigration,
  unrelayedSql,
  type MessagingOptions,
} from '@bridge/messaging';
import { expectEventually, migratedTestDatabase } from '@bridge/testing';

describe('transactional outbox and idempotent inbox (real PostgreSQL)', () => {
  const options: MessagingOptions = {
    service: 'outbox-test',
    schema: 'outbox_test',
    rpcTimeoutMs: 1000,
    outboxPollMs: 20,
    outboxIdlePollMs: 20,
  };
  let database: Awaited<ReturnType<typeof migratedTestDatabase>>;
  let dataSource: DataSource;
  let transport: InProcessTransport;
  let relay: OutboxRelay;
  const received: { patientId: string; messageId: string }[] = [];

  beforeAll(async () => {
    database = await migratedTestDatabase(options.schema, [
      messagingTablesMigration(options.schema),
      outboxLogMigration(options.schema),
      outboxGroupedEventsMigration(options.schema),
    ]);
    dataSource = database.dataSource;
    transport = new InProcessTransport(new InProcessBroker());
    await transport.subscribe(
      'patients.patient.upserted.v1',
      { queue: 'outbox-test.listener', prefetch: 4, maxAttempts: 3, backoffMs: 10 },
      async (payload, meta) => {
        received.push({ patientId: (payload as { patientId: string }).patientId, messageId: meta.messageId });
      },
    );
    relay = new OutboxRelay(
      dataSource,
      new BusClient(transport, options.rpcTimeoutMs),
      new Outbox(options),
      options,
    );
  });
  afterAll(async () => {
    await relay.beforeApplicationShutdown();
    await database.drop();
  });

  const event = (patientId: string) => ({
    hospitalId: randomUUID(),
    patientId,
    created: true,
    source: 'api' as const,
  });

  it('relays an event written in a committed transaction once, and moves past it without deleting it', async () => {
    const outbox = new Outbox(options);
    const patientId = randomUUID();
    await dataSource.transaction((manager) =>
      outbox.add(manager, 'patients.patient.upserted.v1', event(patientId)),
    );
    // Flushed until it arrives: rows committed after another suite's open write transaction wait for it.
    let sent = 0;
    await expectEventually(async () => {
      sent += await relay.flush();
      expect(received.map((r) => r.patientId)).toContain(patientId);
    });
    expect(sent).toBe(1);
    expect(await relay.flush()).toBe(0);
    const [{ kept, pending }] = await dataSource.query(
      `SELECT (SELECT count(*) FROM outbox_test.outbox WHERE payload->>'patientId' = $1)::int AS kept,
              (SELECT count(*) FROM (${unrelayedSql(options.schema, '1')}) AS unrelayed)::int AS pending`,
      [patientId],
    );
    expect({ kept, pending }).toEqual({ kept: 1, pending: 0 });
  });

  it('never relays the event of a rolled-back transaction', async () => {
    const outbox = new Outbox(options);
    const patientId = randomUUID();
    await expect(
      dataSource.transaction(async (manager) => {
        await outbox.add(manager, 'patients.patient.upserted.v1', event(patientId));
        throw new Error('business rule refused the change');
      }),
    ).rejects.toThrow('business rule');
    expect(await relay.flush()).toBe(0);
    expect(received.map((r) => r.patientId)).not.toContain(patientId);
  });

  it('runs an inbox-guarded consumer once per message id, even when delivered twice', async () => {
    const inbox = new Inbox(dataSource, options);
    const meta = { messageId: randomUUID(), correlationId: 'c', attempt: 1 };
    let effects = 0;
    const first = await inbox.once('outbox-test.consumer', meta, async () => ++effects);
    const second = await inbox.once('outbox-test.consumer', { ...meta, attempt: 2 }, async () => ++effects);
    expect(first).toEqual({ duplicate: false, result: 1 });
    expect(second).toEqual({ duplicate: true });
    expect(effects).toBe(1);
  });

  it('forgets the inbox entry when the consumer’s transaction fails, so a retry does the work', async () => {
    const inbox = new Inbox(dataSource, options);
    const meta = { messageId: randomUUID(), correlationId: 'c', attempt: 1 };
    await expect(
      inbox.once('outbox-test.consumer', meta, async () => Promise.reject(new Error('transient'))),
    ).rejects.toThrow();
    const retry = await inbox.once('outbox-test.consumer', { ...meta, attempt: 2 }, async () => 'done');
    expect(retry).toEqual({ duplicate: false, result: 'done' });
  });
});
