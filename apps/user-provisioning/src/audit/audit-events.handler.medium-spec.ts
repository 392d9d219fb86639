import type { ImportLookupAnsweredEventV1 } from '@bridge/contracts';
import { MessageContext } from '@bridge/messaging';
import { migratedTestDatabase } from '@bridge/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Initial1764140000000 } from '../migrations/1764140000000-initial';
import { AuditEvents1796217573771 } from '../migrations/1796217573771-audit-events';
import { AuditEventsHandler } from './audit-events.handler';
import { AuditEventsRepository } from './audit-events.repository';

/**
 * Medium test (docs/testing.md): patient-import's `imports.lookup.answered.v1` turned into the audit event
 * on PostgreSQL. What it holds: the record says who looked up which import, when and under which
 * correlation id, and a redelivery of the same message (a crash before the ack, a relay that published
 * again) records nothing more.
 */
describe('AuditEventsHandler.importLookupAnswered (medium)', () => {
  let database: Awaited<ReturnType<typeof migratedTestDatabase>>;
  let dataSource: DataSource;
  let handler: AuditEventsHandler;
  let events: AuditEventsRepository;

  beforeAll(async () => {
    database = await migratedTestDatabase('user_provisioning', [
      Initial1764140000000,
      AuditEvents1796217573771,
    ]);
    dataSource = database.dataSource;
    events = new AuditEventsRepository(dataSource);
    handler = new AuditEventsHandler(events);
  });

  afterAll(async () => {
    await database?.drop();
  });

  function answered(hospitalId: string): ImportLookupAnsweredEventV1 {
    return {
      hospitalId,
      importId: randomUUID(),
      actor: { kind: 'client', id: 'clt_emr' },
      at: '2026-12-04T10:15:30.123456+00:00',
    };
  }

  function delivery(messageId: string, attempt = 1): MessageContext {
    return new MessageContext({ messageId, correlationId: 'corr-lookup-1', attempt });
  }

  it('records the lookup once, however often its message is delivered', async () => {
    const hospitalId = randomUUID();
    const event = answered(hospitalId);
    const messageId = randomUUID();

    await handler.importLookupAnswered(event, delivery(messageId));
    await handler.importLookupAnswered(event, delivery(messageId, 2));

    const page = await events.page({ hospitalId });
    expect(page.events).toEqual([
      {
        id: messageId,
        at: '2026-12-04T10:15:30.123Z',
        actor: { kind: 'client', id: 'clt_emr' },
        action: 'import.lookup',
        resource: { type: 'import', id: event.importId },
        correlationId: 'corr-lookup-1',
      },
    ]);
  });

  it('records two lookups of one caller as two events', async () => {
    const hospitalId = randomUUID();
    await handler.importLookupAnswered(answered(hospitalId), delivery(randomUUID()));
    await handler.importLookupAnswered(answered(hospitalId), delivery(randomUUID()));

    expect((await events.page({ hospitalId })).events).toHaveLength(2);
  });
});
