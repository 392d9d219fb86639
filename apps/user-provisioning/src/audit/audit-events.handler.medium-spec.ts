import type { ImportLookupAnsweredEventV1 } from '@bridge/contracts';
import { MessageContext } from '@bridge/messaging';
import { migratedTestDatabase } from '@bridge/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Initial1764140000000 } from '../migrations/1764140000000-initial';
import { AuditEvents1796217573771 } from '../migrations/1796217573771-audit-events';
import { AuditEventsHandler } from './audit-events.handler';
import { AuditEventsRepository, type AuditEventRecord } from './audit-events.repository';
import { AuditRecordsBatcher } from './audit-records.batcher';

/**
 * Medium test (docs/testing.md): patient-import's `imports.lookup.answered.v1` turned into the audit event
 * on PostgreSQL. What it holds: the record says who looked up which import, when and under which
 * correlation id, and a redelivery of the same message (a crash before the ack, a relay that published
 * again) records nothing more; lookups delivered together are recorded by one INSERT, and one the database
 * refuses fails alone.
 */
describe('AuditEventsHandler.importLookupAnswered (medium)', () => {
  let database: Awaited<ReturnType<typeof migratedTestDatabase>>;
  let dataSource: DataSource;
  let handler: AuditEventsHandler;
  let events: AuditEventsRepository;
  /** The INSERTs the handler made, each with its events' ids. */
  let inserts: string[][];

  beforeAll(async () => {
    database = await migratedTestDatabase('user_provisioning', [
      Initial1764140000000,
      AuditEvents1796217573771,
    ]);
    dataSource = database.dataSource;
    events = new AuditEventsRepository(dataSource);
    const counted = new AuditEventsRepository(dataSource);
    const append = counted.append.bind(counted);
    counted.append = (records: AuditEventRecord[]) => {
      inserts.push(records.map((record) => record.id ?? ''));
      return append(records);
    };
    handler = new AuditEventsHandler(counted, new AuditRecordsBatcher(counted));
  });
  beforeEach(() => {
    inserts = [];
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

  it('records lookups delivered together with one INSERT', async () => {
    const hospitalId = randomUUID();
    const ids = Array.from({ length: 20 }, () => randomUUID());

    await Promise.all(ids.map((id) => handler.importLookupAnswered(answered(hospitalId), delivery(id))));

    expect(inserts).toEqual([expect.arrayContaining(ids)]);
    const recorded = (await events.page({ hospitalId })).events.map((event) => event.id);
    expect(recorded.sort()).toEqual([...ids].sort());
  });

  it('fails only the lookup the database refuses, not the ones delivered with it', async () => {
    const hospitalId = randomUUID();
    const good = [randomUUID(), randomUUID()];
    const refused = randomUUID();
    // Passes the event's validation (ISO 8601 in form), but there is no 30 February.
    const impossible = { ...answered(hospitalId), at: '2026-02-30T10:00:00Z' };

    const outcomes = await Promise.allSettled([
      handler.importLookupAnswered(answered(hospitalId), delivery(good[0])),
      handler.importLookupAnswered(impossible, delivery(refused)),
      handler.importLookupAnswered(answered(hospitalId), delivery(good[1])),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const recorded = (await events.page({ hospitalId })).events.map((event) => event.id);
    expect(recorded.sort()).toEqual([...good].sort());
  });
});
