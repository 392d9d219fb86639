import {
  AUDIT_EVENTS_PER_RECORD,
  type AuditEventInputV1,
  type ImportLookupAnsweredEventV1,
} from '@bridge/contracts';
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
 * Medium test (docs/testing.md): patient-import's `imports.lookup.answered.v1` and the gateway's
 * `audit.events.record.v1` turned into audit events on PostgreSQL. What it holds: the record says who looked
 * up which import, when and under which correlation id, and a redelivery of the same message (a crash before
 * the ack, a relay that published again) records nothing more; lookups delivered together, and the audited
 * calls recorded alongside, are recorded by one INSERT, a call's events all or none, and one the database
 * refuses fails alone.
 */
describe('AuditEventsHandler recording (medium)', () => {
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

  function read(hospitalId: string, at = '2026-12-04T10:16:00.000Z'): AuditEventInputV1 {
    return {
      hospitalId,
      actor: { kind: 'user', id: 'usr_nurse' },
      action: 'patient.read',
      resource: { type: 'patient', id: randomUUID() },
      correlationId: randomUUID(),
      at,
    };
  }

  it('records the audited calls answered together, and a lookup delivered with them, with one INSERT', async () => {
    const hospitalId = randomUUID();
    const calls = [
      [read(hospitalId)],
      [read(hospitalId), read(hospitalId), read(hospitalId)],
      [read(hospitalId)],
    ];

    const results = await Promise.all([
      ...calls.map((events) => handler.record({ events })),
      handler.importLookupAnswered(answered(hospitalId), delivery(randomUUID())),
    ]);

    expect(results.slice(0, 3)).toEqual([{ recorded: 1 }, { recorded: 3 }, { recorded: 1 }]);
    expect(inserts.map((ids) => ids.length)).toEqual([6]);
    const recorded = (await events.page({ hospitalId })).events.map((event) => event.resource.id);
    const expected = calls.flat().map((event) => event.resource.id);
    expect(recorded).toEqual(expect.arrayContaining(expected));
    expect(recorded).toHaveLength(6);
  });

  it("records a call's events all or none: a call the database refuses fails alone", async () => {
    const hospitalId = randomUUID();
    const first = [read(hospitalId), read(hospitalId)];
    // One event of this call passes validation (ISO 8601 in form), but there is no 30 February.
    const refused = [read(hospitalId), read(hospitalId, '2026-02-30T10:00:00Z')];
    const last = [read(hospitalId)];

    const outcomes = await Promise.allSettled(
      [first, refused, last].map((events) => handler.record({ events })),
    );

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const recorded = (await events.page({ hospitalId })).events.map((event) => event.resource.id);
    expect(recorded.sort()).toEqual([...first, ...last].map((event) => event.resource.id).sort());
  });

  it('never puts more than one call allows in an INSERT, nor splits a call', async () => {
    const hospitalId = randomUUID();
    const large = () => Array.from({ length: AUDIT_EVENTS_PER_RECORD - 100 }, () => read(hospitalId));

    await Promise.all([handler.record({ events: large() }), handler.record({ events: large() })]);

    expect(inserts.map((ids) => ids.length)).toEqual([
      AUDIT_EVENTS_PER_RECORD - 100,
      AUDIT_EVENTS_PER_RECORD - 100,
    ]);
  });
});
