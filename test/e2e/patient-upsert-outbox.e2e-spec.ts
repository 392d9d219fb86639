import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { dataSourceOptions, idempotencyKeysMigration, openDataSource } from '@bridge/database';
import {
  Outbox,
  messagingTablesMigration,
  outboxGroupedEventsMigration,
  outboxLogMigration,
} from '@bridge/messaging';
import { createTestDatabase } from '@bridge/testing';
import { Initial1764150000000 } from '../../apps/patient-import/src/migrations/1764150000000-initial';
import { PatientEvents1796240000000 } from '../../apps/patient-import/src/migrations/1796240000000-patient-events';
import { PatientEventsAnnounced1796250000000 } from '../../apps/patient-import/src/migrations/1796250000000-patient-events-announced';
import { PatientEventsEventPosition1796250000002 } from '../../apps/patient-import/src/migrations/1796250000002-patient-events-event-position';
import { PatientEventsMoreEntries1796280000001 } from '../../apps/patient-import/src/migrations/1796280000001-patient-events-more-entries';
import { PatientEventsRepository } from '../../apps/patient-import/src/patient-trace/patient-events.repository';
import { PatientsRepository } from '../../apps/patient-import/src/patients/patients.repository';

/**
 * Integration test of the push API's one-statement upsert: the patient row, its event and its trace row are
 * written together, and the event carries its trace row's position in the patient's order.
 */
describe('patient upsert writes its outbox event in the same statement (real PostgreSQL)', () => {
  const schema = 'patient_import';
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let repository: PatientsRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await openDataSource(
      dataSourceOptions({
        schema,
        url: database.url,
        entities: [],
        migrations: [
          Initial1764150000000,
          messagingTablesMigration(schema),
          idempotencyKeysMigration(schema),
          PatientEvents1796240000000,
          PatientEventsAnnounced1796250000000,
          PatientEventsEventPosition1796250000002,
          outboxLogMigration(schema),
          outboxGroupedEventsMigration(schema),
          PatientEventsMoreEntries1796280000001,
        ],
      }),
      schema,
    );
    repository = new PatientsRepository(
      new Outbox({ service: 'patient-import', schema, rpcTimeoutMs: 1000, outboxPollMs: 50 }),
    );
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const events = () =>
    dataSource.query(`SELECT event, payload FROM patient_import.outbox ORDER BY txid, seq`);
  const traced = () =>
    dataSource.query(
      `SELECT patient_id AS "patientId", kind, channel, message_id AS "messageId", summary
         FROM patient_import.patient_events ORDER BY seq`,
    );

  it('announces a created and then an updated patient, with ids only', async () => {
    const hospitalId = randomUUID();
    const input = { patientCode: 'P-1', firstName: 'Françoise', lastName: 'Dubois' };
    const created = await repository.upsert(dataSource.manager, hospitalId, randomUUID(), input, 'api');
    const updated = await repository.upsert(
      dataSource.manager,
      hospitalId,
      randomUUID(),
      { ...input, lastName: 'Lemaître' },
      'api',
    );
    expect(created.created).toBe(true);
    expect(updated.created).toBe(false);
    expect(updated.record.id).toBe(created.record.id);
    const [first, second]: { seq: string }[] = await dataSource.query(
      `SELECT seq FROM patient_import.patient_events WHERE announced ORDER BY seq`,
    );
    expect(await events()).toEqual([
      {
        event: 'patients.patient.upserted.v1',
        payload: {
          hospitalId,
          patientId: created.record.id,
          created: true,
          source: 'api',
          patientPosition: Number(first.seq),
        },
      },
      {
        event: 'patients.patient.upserted.v1',
        payload: {
          hospitalId,
          patientId: created.record.id,
          created: false,
          source: 'api',
          patientPosition: Number(second.seq),
          previousPatientPosition: Number(first.seq),
        },
      },
    ]);
    expect(JSON.stringify(await events())).not.toContain('Dubois');
    expect(await traced()).toEqual([
      {
        patientId: created.record.id,
        kind: 'push',
        channel: 'api',
        messageId: null,
        summary: 'Patient created by a push',
      },
      {
        patientId: created.record.id,
        kind: 'push',
        channel: 'api',
        messageId: null,
        summary: 'Patient updated by a push',
      },
    ]);
  });

  it('traces an import with its channel and the journal entry it came from', async () => {
    const messageId = randomUUID();
    const { record } = await repository.upsert(
      dataSource.manager,
      randomUUID(),
      randomUUID(),
      { patientCode: 'P-3', firstName: 'A', lastName: 'B' },
      'import',
      { channel: 'webservice', messageId },
    );
    expect((await traced()).filter((row: { patientId: string }) => row.patientId === record.id)).toEqual([
      {
        patientId: record.id,
        kind: 'import',
        channel: 'webservice',
        messageId,
        summary: 'Patient created by an import from the hospital',
      },
    ]);
  });

  it('never names a trace row without an event (a login link) as the previous position', async () => {
    const hospitalId = randomUUID();
    const input = { patientCode: 'P-4', firstName: 'A', lastName: 'B' };
    const { record } = await repository.upsert(dataSource.manager, hospitalId, randomUUID(), input, 'api');
    await new PatientEventsRepository().recordLoginLink(
      dataSource.manager,
      { hospitalId, userId: randomUUID(), patientCode: 'P-4', at: new Date().toISOString() },
      'issued',
    );
    await repository.upsert(dataSource.manager, hospitalId, randomUUID(), input, 'api');
    const rows: { seq: string; kind: string }[] = await dataSource.query(
      `SELECT seq, kind FROM patient_import.patient_events WHERE patient_id = $1 ORDER BY seq`,
      [record.id],
    );
    expect(rows.map((row) => row.kind)).toEqual(['push', 'login-link', 'push']);
    const payloads = (await events())
      .map((row: { payload: Record<string, unknown> }) => row.payload)
      .filter((payload: Record<string, unknown>) => payload.patientId === record.id);
    expect(payloads.map((payload: Record<string, unknown>) => payload.previousPatientPosition)).toEqual([
      undefined,
      Number(rows[0].seq),
    ]);
    expect(payloads[1].patientPosition).toBe(Number(rows[2].seq));
  });

  it("names an SIU batch's latest event of the patient, carried by its message row, as the previous position", async () => {
    const hospitalId = randomUUID();
    const input = { patientCode: 'P-5', firstName: 'A', lastName: 'B' };
    const { record } = await repository.upsert(dataSource.manager, hospitalId, randomUUID(), input, 'api');
    // An SIU batch after it: its events took numbers from the sequence; the message row carries the latest.
    const [{ position }]: { position: string }[] = await dataSource.query(
      `SELECT nextval(pg_get_serial_sequence('patient_import.patient_events', 'seq')) AS position`,
    );
    await dataSource.query(
      `INSERT INTO patient_import.patient_events (hospital_id, patient_id, kind, summary, event_position)
       VALUES ($1, $2, 'siu', 'SIU S12: patient updated', $3)`,
      [hospitalId, record.id, position],
    );
    await repository.upsert(dataSource.manager, hospitalId, randomUUID(), input, 'api');
    const payloads = (await events())
      .map((row: { payload: Record<string, unknown> }) => row.payload)
      .filter((payload: Record<string, unknown>) => payload.patientId === record.id);
    expect(payloads[1].previousPatientPosition).toBe(Number(position));
    expect(payloads[1].patientPosition).toBeGreaterThan(Number(position));
  });

  it('writes neither the patient nor the event when the surrounding transaction rolls back', async () => {
    const before = (await events()).length;
    const tracedBefore = (await traced()).length;
    await expect(
      dataSource.transaction(async (manager) => {
        await repository.upsert(
          manager,
          randomUUID(),
          randomUUID(),
          { patientCode: 'P-2', firstName: 'A', lastName: 'B' },
          'api',
        );
        throw new Error('care flow refused');
      }),
    ).rejects.toThrow('care flow refused');
    expect(await events()).toHaveLength(before);
    expect(await traced()).toHaveLength(tracedBefore);
    expect(
      await dataSource.query(`SELECT 1 FROM patient_import.patients WHERE patient_code = 'P-2'`),
    ).toEqual([]);
  });
});
