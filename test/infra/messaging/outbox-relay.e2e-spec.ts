import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  BusClient,
  Inbox,
  Outbox,
  OutboxRelay,
  RabbitMqTransport,
  messagingTablesMigration,
  outboxGroupedEventsMigration,
  outboxLogMigration,
  unrelayedSql,
  type MessagingOptions,
} from '@bridge/messaging';
import { expectEventually, migratedTestDatabase } from '@bridge/testing';
import { startRabbitMq, type RabbitMqNode } from '../../../libs/testing/src/rabbitmq';

/**
 * The whole event path under a broker restart: business transactions write outbox rows, the relay
 * publishes them over RabbitMQ while the broker is killed and restarted, and an Inbox-guarded consumer
 * applies each exactly once. Nothing lost, nothing applied twice.
 */
describe('outbox -> RabbitMQ -> inbox across a broker restart', () => {
  const options: MessagingOptions = {
    service: 'relay-test',
    schema: 'relay_test',
    rpcTimeoutMs: 2000,
    outboxPollMs: 20,
    outboxIdlePollMs: 20,
  };
  const EVENTS = 1000;
  let broker: RabbitMqNode;
  let database: Awaited<ReturnType<typeof migratedTestDatabase>>;
  let dataSource: DataSource;
  let publisher: RabbitMqTransport;
  let consumer: RabbitMqTransport;
  let relay: OutboxRelay;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    broker = await startRabbitMq();
    database = await migratedTestDatabase(options.schema, [
      messagingTablesMigration(options.schema),
      outboxLogMigration(options.schema),
      outboxGroupedEventsMigration(options.schema),
    ]);
    dataSource = database.dataSource;
    await dataSource.query(
      `CREATE TABLE relay_test.applied (patient_id uuid PRIMARY KEY, applications int NOT NULL)`,
    );
    // What the business transactions committed, so a failure can say which events went missing.
    await dataSource.query(
      `CREATE TABLE relay_test.written (patient_id uuid PRIMARY KEY, batch int NOT NULL)`,
    );
    publisher = new RabbitMqTransport({ url: broker.url, service: 'relay-publisher' });
    consumer = new RabbitMqTransport({ url: broker.url, service: 'relay-consumer' });
    await Promise.all([publisher.start(), consumer.start()]);
    const inbox = new Inbox(dataSource, options);
    await consumer.subscribe(
      'patients.patient.upserted.v1',
      { queue: 'relay-test.applier', prefetch: 20, maxAttempts: 5, backoffMs: 50 },
      async (payload, meta) => {
        // The effect and the inbox row commit together: a redelivery after a lost ack changes nothing.
        await inbox.once('relay-test.applier', meta, (manager) =>
          manager.query(
            `INSERT INTO relay_test.applied VALUES ($1, 1)
             ON CONFLICT (patient_id) DO UPDATE SET applications = relay_test.applied.applications + 1`,
            [(payload as { patientId: string }).patientId],
          ),
        );
      },
    );
    relay = new OutboxRelay(
      dataSource,
      new BusClient(publisher, options.rpcTimeoutMs),
      new Outbox(options),
      options,
    );
  });

  afterAll(async () => {
    await relay?.beforeApplicationShutdown();
    await publisher?.close();
    await consumer?.close();
    await database?.drop();
    await broker?.stop();
    Logger.overrideLogger(['error', 'warn']);
  });

  it(`delivers ${EVENTS} committed events exactly once in effect`, async () => {
    const outbox = new Outbox(options);
    const hospitalId = randomUUID();
    relay.onApplicationBootstrap();
    // Business transactions keep committing events while the broker goes down and comes back.
    const writer = (async () => {
      for (let batch = 0; batch < EVENTS / 20; batch++) {
        await dataSource.transaction(async (manager) => {
          for (let i = 0; i < 20; i++) {
            const patientId = randomUUID();
            await outbox.add(manager, 'patients.patient.upserted.v1', {
              hospitalId,
              patientId,
              created: true,
              source: 'api',
            });
            await manager.query(`INSERT INTO relay_test.written VALUES ($1, $2)`, [patientId, batch]);
          }
        });
      }
    })();
    // The bounds are generous on purpose (a loaded CI machine applied 100 events in 30 s): what this test
    // proves is the final count, and a real loss still fails it, with the diagnostics below.
    await expectEventually(
      async () => {
        const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM relay_test.applied`);
        expect(count).toBeGreaterThan(EVENTS / 10);
      },
      { timeoutMs: 90_000 },
    );
    const [{ beforeRestart }] = await dataSource.query(
      `SELECT count(*)::int AS "beforeRestart" FROM relay_test.applied`,
    );

    await broker.restart();
    await writer;
    expect(beforeRestart).toBeLessThan(EVENTS); // the restart really happened mid-stream

    await expectEventually(
      async () => {
        const [{ pending }] = await dataSource.query(
          `SELECT count(*)::int AS pending FROM (${unrelayedSql(options.schema, '1')}) AS unrelayed`,
        );
        const [{ applied, repeated }] = await dataSource.query(
          `SELECT count(*)::int AS applied, count(*) FILTER (WHERE applications > 1)::int AS repeated FROM relay_test.applied`,
        );
        expect({ pending, applied, repeated }).toEqual({ pending: 0, applied: EVENTS, repeated: 0 });
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    ).catch(async (error: unknown) => {
      // Where the missing events are says which link lost them: still queued, unacked, retried, dead.
      const queues = await broker.ctl(
        'list_queues',
        'name',
        'messages',
        'messages_unacknowledged',
        'consumers',
      );
      const [{ inbox }] = await dataSource.query(`SELECT count(*)::int AS inbox FROM relay_test.inbox`);
      const missing: { batch: number; count: number }[] = await dataSource.query(
        `SELECT w.batch, count(*)::int AS count FROM relay_test.written w
         LEFT JOIN relay_test.applied a USING (patient_id) WHERE a.patient_id IS NULL GROUP BY w.batch ORDER BY 1`,
      );
      console.error(
        `broker queues after the restart:\n${queues}\ninbox rows: ${inbox}; missing by writer batch: ${JSON.stringify(missing)}`,
      );
      throw error;
    });
  }, 300_000);
});
