import { Inbox, MessageContext } from '@bridge/messaging';
import { migratedTestDatabase } from '@bridge/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { NOTIFIER_SCHEMA, notifierMigrations } from '../../notifier.module';
import { DeliveryRecorder } from './delivery-recorder';
import { WebhookEventsHandler } from './webhook-events.handler';

/**
 * Medium test (docs/testing.md): what a platform event costs notifier, on PostgreSQL with its migrations.
 * Every push sends two events; for a hospital without webhooks they must cost no write at all (issue 17 P1),
 * and for one with webhooks they are still recorded once however often they are delivered.
 */
let database: Awaited<ReturnType<typeof migratedTestDatabase>>;
let dataSource: DataSource;
let handler: WebhookEventsHandler;

beforeAll(async () => {
  database = await migratedTestDatabase(NOTIFIER_SCHEMA, notifierMigrations());
  dataSource = database.dataSource;
  const recorder = new DeliveryRecorder(
    {
      timeoutMs: 1000,
      retryBaseMs: 10,
      retryWindowMs: 60_000,
      pollMs: 10,
      orderWaitMs: 1000,
      retentionCron: 'off',
    },
    dataSource,
  );
  const inbox = new Inbox(dataSource, {
    service: 'notifier',
    schema: NOTIFIER_SCHEMA,
    rpcTimeoutMs: 1000,
    outboxPollMs: 50,
    outboxIdlePollMs: 50,
  });
  handler = new WebhookEventsHandler(inbox, recorder);
});
afterAll(async () => {
  await database?.drop();
});

const context = (messageId: string) =>
  new MessageContext({ messageId, correlationId: messageId, attempt: 1 });

const upserted = (hospitalId: string) => ({
  hospitalId,
  patientId: randomUUID(),
  created: true,
  source: 'api' as const,
  patientPosition: 1,
});

async function rowsOf(messageId: string): Promise<{ inbox: number; deliveries: number }> {
  const [counts] = await dataSource.query(
    `SELECT (SELECT count(*)::int FROM notifier.inbox WHERE message_id = $1) AS inbox,
            (SELECT count(*)::int FROM notifier.webhook_deliveries WHERE source_message_id = $1) AS deliveries`,
    [messageId],
  );
  return counts;
}

it('writes nothing for an event of a hospital without webhooks (no inbox row)', async () => {
  const messageId = randomUUID();
  await handler.patientUpserted(upserted(randomUUID()), context(messageId));
  expect(await rowsOf(messageId)).toEqual({ inbox: 0, deliveries: 0 });
});

it('records an event of a hospital with webhooks once, however often it is delivered', async () => {
  const hospitalId = randomUUID();
  await dataSource.query(
    `INSERT INTO notifier.webhook_subscriptions (id, hospital_id, url, events, secret, created_by)
     VALUES ($1, $2, 'https://emr.example.org/hooks', '{patient.created}', '{}'::jsonb, 'test')`,
    [randomUUID(), hospitalId],
  );
  const messageId = randomUUID();
  const event = upserted(hospitalId);
  await handler.patientUpserted(event, context(messageId));
  await handler.patientUpserted(event, context(messageId));
  expect(await rowsOf(messageId)).toEqual({ inbox: 1, deliveries: 1 });
});
