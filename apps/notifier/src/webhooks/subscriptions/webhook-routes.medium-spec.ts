import { type Bus, InProcessBroker, InProcessTransport } from '@bridge/messaging';
import { expectEventually, migratedTestDatabase } from '@bridge/testing';
import { randomUUID } from 'node:crypto';
import { NOTIFIER_SCHEMA, notifierMigrations } from '../../notifier.module';
import { WEBHOOK_EVENT_QUEUES } from '../deliveries/webhook-events.handler';
import { WebhookRoutes } from './webhook-routes';

/**
 * Medium test (docs/testing.md): at start notifier routes to its webhook queues every hospital with a live
 * webhook, and no other (issue 17: the others' events are dropped by the broker). The bus is the in-process
 * one, whose queues, like RabbitMQ's bindings, decide which hospitals' events arrive.
 */
describe('WebhookRoutes on PostgreSQL (medium)', () => {
  let database: Awaited<ReturnType<typeof migratedTestDatabase>>;

  beforeAll(async () => {
    database = await migratedTestDatabase(NOTIFIER_SCHEMA, notifierMigrations());
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function subscribe(hospitalId: string, deleted = false): Promise<void> {
    await database.dataSource.query(
      `INSERT INTO notifier.webhook_subscriptions (id, hospital_id, url, events, secret, created_by, deleted_at)
       VALUES ($1, $2, 'https://receiver.example/hook', '{patient.created}', '{}', 'test', $3)`,
      [randomUUID(), hospitalId, deleted ? new Date() : null],
    );
  }

  it('routes, at start, the hospitals with a live webhook to every webhook queue, and only those', async () => {
    const [live, deletedOnly, none] = [randomUUID(), randomUUID(), randomUUID()];
    await subscribe(live);
    await subscribe(live);
    await subscribe(deletedOnly, true);
    const broker = new InProcessBroker();
    const transport = new InProcessTransport(broker);
    const received: { event: string; hospitalId: string }[] = [];
    for (const { event, queue } of WEBHOOK_EVENT_QUEUES) {
      await transport.subscribe(
        event,
        { queue, prefetch: 1, maxAttempts: 1, backoffMs: 1, byHospital: true },
        async (payload) => {
          received.push({ event, hospitalId: (payload as { hospitalId: string }).hospitalId });
        },
      );
    }
    const bus = {
      routeHospitals: (event: string, queue: string, ids: readonly string[]) =>
        transport.routeHospitals(queue, event, ids),
    } as unknown as Bus;

    await new WebhookRoutes(bus, database.dataSource).onApplicationBootstrap();

    const publish = (event: string, hospitalId: string) =>
      transport.publish(event, { hospitalId }, { messageId: randomUUID(), correlationId: 'c' });
    for (const { event } of WEBHOOK_EVENT_QUEUES) {
      // The live hospital last: each queue is first in, first out, so once its copies are in, any copy of the
      // others that got through is in too.
      for (const hospitalId of [none, deletedOnly, live]) await publish(event, hospitalId);
    }
    await expectEventually(() =>
      expect(received.map((copy) => copy.event).sort()).toEqual(
        WEBHOOK_EVENT_QUEUES.map(({ event }) => event).sort(),
      ),
    );
    expect(new Set(received.map((copy) => copy.hospitalId))).toEqual(new Set([live]));
  });
});
