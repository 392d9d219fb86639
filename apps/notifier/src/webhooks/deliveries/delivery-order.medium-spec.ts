import { dataSourceOptions, openDataSource } from '@bridge/database';
import { createTestDatabase } from '@bridge/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { NOTIFIER_SCHEMA, notifierMigrations } from '../../notifier.module';
import type { WebhookOptions } from '../webhook.options';
import { DeliveriesRepository, type ClaimedDelivery } from './deliveries.repository';
import { DeliveryRecorder, type WebhookEvent } from './delivery-recorder';

/**
 * Medium test (docs/testing.md): webhook order per patient across event types, with the real recorder and
 * claim on PostgreSQL (notifier's own migrations). A patient's events may arrive in any order; each names
 * the one before it (previousPatientPosition), and a delivery is held until that one has been recorded, or
 * until the order wait is over.
 */
const ORDER_WAIT_MS = 600;
const options: WebhookOptions = {
  timeoutMs: 1000,
  retryBaseMs: 10,
  retryWindowMs: 60_000,
  pollMs: 10,
  orderWaitMs: ORDER_WAIT_MS,
};

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dataSource: DataSource;
let recorder: DeliveryRecorder;
let deliveries: DeliveriesRepository;

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = await openDataSource(
    dataSourceOptions({
      schema: NOTIFIER_SCHEMA,
      url: database.url,
      entities: [],
      migrations: notifierMigrations(),
    }),
    NOTIFIER_SCHEMA,
  );
  recorder = new DeliveryRecorder(options, dataSource);
  deliveries = new DeliveriesRepository(dataSource);
});
afterAll(async () => {
  await dataSource?.destroy();
  await database?.drop();
});

/** A hospital with one subscription to the given event types. */
async function hospitalWith(events: string[]): Promise<string> {
  const hospitalId = randomUUID();
  await dataSource.query(
    `INSERT INTO notifier.webhook_subscriptions (id, hospital_id, url, events, secret, created_by)
     VALUES ($1, $2, 'https://emr.example.org/hooks', $3, '{}'::jsonb, 'test')`,
    [randomUUID(), hospitalId, events],
  );
  return hospitalId;
}

/** One patient event as the handler passes it on; positions as patient-import gives them. */
function event(
  hospitalId: string,
  patientId: string,
  type: WebhookEvent['type'],
  order?: WebhookEvent['order'],
): WebhookEvent {
  return {
    hospitalId,
    type,
    orderingKey: `patient:${patientId}`,
    sourceMessageId: randomUUID(),
    data: { patientId },
    ...(order ? { order } : {}),
  };
}

const record = (recorded: WebhookEvent) =>
  dataSource.transaction((manager) => recorder.record(manager, recorded));

/** Claims what is due now for this hospital, marks it delivered, and answers the event types in claim order. */
async function deliverDue(hospitalId: string): Promise<{ types: string[]; claimed: ClaimedDelivery[] }> {
  const claimed = (await deliveries.claim(50, 60_000)).filter((d) => d.hospitalId === hospitalId);
  for (const delivery of claimed)
    await deliveries.recordOutcome(delivery, { ok: true, durationMs: 1 }, undefined);
  return { types: claimed.map((d) => d.eventType), claimed };
}

describe('webhook order per patient across event types (recorder and claim on PostgreSQL)', () => {
  it('holds a care-flow delivery that arrived before its patient event, then sends both in order', async () => {
    const hospitalId = await hospitalWith(['patient.created', 'careflow.started', 'careflow.updated']);
    const patientId = randomUUID();
    await record(
      event(hospitalId, patientId, 'careflow.started', { patientPosition: 11, previousPatientPosition: 10 }),
    );
    await record(
      event(hospitalId, patientId, 'careflow.updated', { patientPosition: 12, previousPatientPosition: 11 }),
    );
    expect((await deliverDue(hospitalId)).types).toEqual([]);

    await record(event(hospitalId, patientId, 'patient.created', { patientPosition: 10 }));
    // The patient event first; the care-flow ones wait while it is pending.
    expect((await deliverDue(hospitalId)).types).toEqual(['patient.created']);
    expect((await deliverDue(hospitalId)).types).toEqual(['careflow.started']);
    const last = await deliverDue(hospitalId);
    expect(last.types).toEqual(['careflow.updated']);
    expect(last.claimed[0].orderWaitExpired).toBe(false);
  });

  it('is released by an event no subscription wants: the predecessor arrived, nothing to send for it', async () => {
    const hospitalId = await hospitalWith(['careflow.started']);
    const patientId = randomUUID();
    await record(
      event(hospitalId, patientId, 'careflow.started', { patientPosition: 21, previousPatientPosition: 20 }),
    );
    expect((await deliverDue(hospitalId)).types).toEqual([]);
    await record(event(hospitalId, patientId, 'patient.updated', { patientPosition: 20 }));
    expect((await deliverDue(hospitalId)).types).toEqual(['careflow.started']);
  });

  it('sends a delivery whose predecessor never comes once the order wait is over, flagged for the metric', async () => {
    const hospitalId = await hospitalWith(['careflow.stopped']);
    const patientId = randomUUID();
    const recordedAt = Date.now();
    await record(
      event(hospitalId, patientId, 'careflow.stopped', { patientPosition: 31, previousPatientPosition: 30 }),
    );
    expect((await deliverDue(hospitalId)).types).toEqual([]);
    let released: ClaimedDelivery[] = [];
    while (released.length === 0 && Date.now() - recordedAt < ORDER_WAIT_MS * 10) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      released = (await deliverDue(hospitalId)).claimed;
    }
    expect(released.map((d) => d.eventType)).toEqual(['careflow.stopped']);
    expect(released[0].orderWaitExpired).toBe(true);
    expect(Date.now() - recordedAt).toBeGreaterThanOrEqual(ORDER_WAIT_MS - 50);
  });

  it('orders events without positions (from before this change) as they were recorded, and holds nothing', async () => {
    const hospitalId = await hospitalWith(['patient.created', 'careflow.started']);
    const patientId = randomUUID();
    await record(event(hospitalId, patientId, 'careflow.started'));
    await record(event(hospitalId, patientId, 'patient.created'));
    expect((await deliverDue(hospitalId)).types).toEqual(['careflow.started']);
    expect((await deliverDue(hospitalId)).types).toEqual(['patient.created']);
  });

  it('keeps no positions for a hospital without webhooks', async () => {
    const hospitalId = randomUUID();
    expect(await record(event(hospitalId, randomUUID(), 'patient.created', { patientPosition: 41 }))).toBe(0);
    const rows: unknown[] = await dataSource.query(
      `SELECT 1 FROM notifier.webhook_patient_positions WHERE hospital_id = $1`,
      [hospitalId],
    );
    expect(rows).toEqual([]);
  });
});
