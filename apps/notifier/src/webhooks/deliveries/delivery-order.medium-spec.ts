import { type RetentionPolicy } from '@bridge/database';
import { migratedTestDatabase } from '@bridge/testing';
import { SchedulerRegistry } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { NOTIFIER_SCHEMA, notifierMigrations } from '../../notifier.module';
import { KEEP_PATIENT_POSITIONS_MS, WebhookRetentionJob } from '../retention/webhook-retention.job';
import { WebhookRetentionRepository } from '../retention/webhook-retention.repository';
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
  retentionCron: 'off',
};

let database: Awaited<ReturnType<typeof migratedTestDatabase>>;
let dataSource: DataSource;
let recorder: DeliveryRecorder;
let deliveries: DeliveriesRepository;

beforeAll(async () => {
  database = await migratedTestDatabase(NOTIFIER_SCHEMA, notifierMigrations());
  dataSource = database.dataSource;
  recorder = new DeliveryRecorder(options, dataSource);
  deliveries = new DeliveriesRepository(dataSource);
});
afterAll(async () => {
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

describe('webhook retention (WebhookRetentionJob on PostgreSQL)', () => {
  /** Hospitals keep 365 days unless the test gives one its own retention. */
  const retentionJob = (hospitals: RetentionPolicy['hospitals'] = []) =>
    new WebhookRetentionJob(
      new SchedulerRegistry(),
      dataSource,
      new WebhookRetentionRepository(dataSource),
      { policy: async () => ({ defaults: { messageBodiesDays: 90, messagesDays: 365 }, hospitals }) },
      options,
    );
  const listed = async (hospitalId: string): Promise<number[]> =>
    (
      await dataSource.query(
        `SELECT position FROM notifier.webhook_patient_positions WHERE hospital_id = $1 ORDER BY position`,
        [hospitalId],
      )
    ).map((row: { position: string }) => Number(row.position));

  it('removes positions older than a day, keeps recent ones, and lets a predecessor at or below the watermark pass', async () => {
    const hospitalId = await hospitalWith(['careflow.updated']);
    for (const position of [50, 52, 60])
      await record(event(hospitalId, randomUUID(), 'patient.updated', { patientPosition: position }));
    await dataSource.query(
      `UPDATE notifier.webhook_patient_positions
       SET recorded_at = now() - make_interval(secs => $3::double precision / 1000 + 60)
       WHERE hospital_id = $1 AND position = ANY ($2::bigint[])`,
      [hospitalId, [50, 52], KEEP_PATIENT_POSITIONS_MS],
    );
    expect(await retentionJob().runOnce()).toMatchObject({ ran: true, positionsRemoved: 2 });
    expect(await listed(hospitalId)).toEqual([60]);

    // 52 was pruned; 51 was never listed (e.g. from before the hospital had webhooks), and is below the
    // watermark: neither holds its successor. 72 is above the watermark and not listed: still held.
    const [pruned, neverListed, missing] = [randomUUID(), randomUUID(), randomUUID()];
    await record(
      event(hospitalId, pruned, 'careflow.updated', { patientPosition: 70, previousPatientPosition: 52 }),
    );
    await record(
      event(hospitalId, neverListed, 'careflow.updated', {
        patientPosition: 71,
        previousPatientPosition: 51,
      }),
    );
    await record(
      event(hospitalId, missing, 'careflow.updated', { patientPosition: 73, previousPatientPosition: 72 }),
    );
    const sent = (await deliverDue(hospitalId)).claimed;
    expect(sent.map((delivery) => delivery.data.patientId).sort()).toEqual([pruned, neverListed].sort());
    expect(sent.every((delivery) => !delivery.orderWaitExpired)).toBe(true);
    expect((await deliverDue(hospitalId)).types).toEqual([]);
  });

  it("removes finished deliveries past their hospital's message retention with their attempts, never pending ones", async () => {
    const hospitalId = await hospitalWith(['patient.updated']);
    const [oldDelivered, oldPending, recent] = [randomUUID(), randomUUID(), randomUUID()];
    await record(event(hospitalId, oldDelivered, 'patient.updated'));
    await deliverDue(hospitalId);
    await record(event(hospitalId, oldPending, 'patient.updated'));
    // Both three days old; the pending one waits for a retry an hour ahead.
    await dataSource.query(
      `UPDATE notifier.webhook_deliveries SET created_at = now() - interval '3 days',
         next_attempt_at = CASE WHEN status = 'pending' THEN now() + interval '1 hour' ELSE next_attempt_at END
       WHERE hospital_id = $1`,
      [hospitalId],
    );
    await record(event(hospitalId, recent, 'patient.updated'));
    await deliverDue(hospitalId);
    // Another hospital's as old delivery stays: its retention (the defaults) is a year.
    const otherHospital = await hospitalWith(['patient.updated']);
    await record(event(otherHospital, randomUUID(), 'patient.updated'));
    await deliverDue(otherHospital);
    await dataSource.query(
      `UPDATE notifier.webhook_deliveries SET created_at = now() - interval '3 days' WHERE hospital_id = $1`,
      [otherHospital],
    );
    const kept = (hospital: string): Promise<{ patientId: string; status: string; attempts: number }[]> =>
      dataSource.query(
        `SELECT d.data->>'patientId' AS "patientId", d.status, count(a.attempt)::int AS attempts
         FROM notifier.webhook_deliveries d LEFT JOIN notifier.webhook_attempts a ON a.delivery_id = d.id
         WHERE d.hospital_id = $1 GROUP BY d.id ORDER BY d.sequence`,
        [hospital],
      );

    const report = await retentionJob([{ hospitalId, messageBodiesDays: 1, messagesDays: 2 }]).runOnce();
    expect(report.deliveriesRemoved).toBe(1);
    expect(await kept(hospitalId)).toEqual([
      { patientId: oldPending, status: 'pending', attempts: 0 },
      { patientId: recent, status: 'succeeded', attempts: 1 },
    ]);
    expect(await kept(otherHospital)).toHaveLength(1);
    const orphans = await dataSource.query(
      `SELECT 1 FROM notifier.webhook_attempts a
       WHERE NOT EXISTS (SELECT 1 FROM notifier.webhook_deliveries d WHERE d.id = a.delivery_id)`,
    );
    expect(orphans).toEqual([]);
  });
});

describe('redelivery (DeliveriesRepository on PostgreSQL)', () => {
  it('keeps a redelivery asked for during an attempt: the attempt is logged, the delivery is sent again', async () => {
    const hospitalId = await hospitalWith(['patient.created']);
    await record(event(hospitalId, randomUUID(), 'patient.created'));
    const [inFlight] = (await deliveries.claim(50, 60_000)).filter((d) => d.hospitalId === hospitalId);
    const subscriptionId = inFlight.subscriptionId;
    expect(await deliveries.redeliver(hospitalId, subscriptionId, inFlight.id, 60_000)).toMatchObject({
      status: 'pending',
    });
    // The attempt that was under way when the redelivery came answers 204 afterwards.
    await deliveries.recordOutcome(inFlight, { ok: true, status: 204, durationMs: 3 }, undefined);
    const state = async () =>
      (await deliveries.page(hospitalId, subscriptionId, { limit: 10, offset: 0 })).rows.map((row) => ({
        status: row.status,
        attempts: row.attempts,
        lastAttempt: row.last_attempt?.attempt,
      }));
    expect(await state()).toEqual([{ status: 'pending', attempts: 1, lastAttempt: 1 }]);

    const again = await deliverDue(hospitalId);
    expect(again.claimed.map((d) => [d.id, d.attempt])).toEqual([[inFlight.id, 2]]);
    expect(await state()).toEqual([{ status: 'succeeded', attempts: 2, lastAttempt: 2 }]);
  });
});
