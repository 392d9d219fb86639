import { randomUUID } from 'node:crypto';
import type { PatientInputV1 } from '@bridge/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import {
  dataSourceOptions,
  idempotencyKeysMigration,
  openDataSource,
  StatementBatcher,
} from '@bridge/database';
import {
  eventContext,
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
import {
  PatientsRepository,
  type PatientUpsert,
  type UpsertedPatient,
  type UpsertTrace,
} from '../../apps/patient-import/src/patients/patients.repository';

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
      new Outbox({
        service: 'patient-import',
        schema,
        rpcTimeoutMs: 1000,
        outboxPollMs: 50,
        outboxIdlePollMs: 50,
      }),
    );
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  /** One patient in its own statement, announced as the current work's (as upserts in a transaction are). */
  const upsertOne = async (
    manager: EntityManager,
    hospitalId: string,
    id: string,
    patient: PatientInputV1,
    source: string,
    trace?: UpsertTrace,
  ): Promise<UpsertedPatient> => {
    const [upserted] = await repository.upsertMany(manager, [
      { hospitalId, id, patient, source, trace, context: eventContext() },
    ]);
    return upserted;
  };
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
    const created = await upsertOne(dataSource.manager, hospitalId, randomUUID(), input, 'api');
    const updated = await upsertOne(
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
    const { record } = await upsertOne(
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
    const { record } = await upsertOne(dataSource.manager, hospitalId, randomUUID(), input, 'api');
    await new PatientEventsRepository().recordLoginLink(
      dataSource.manager,
      { hospitalId, userId: randomUUID(), patientCode: 'P-4', at: new Date().toISOString() },
      'issued',
    );
    await upsertOne(dataSource.manager, hospitalId, randomUUID(), input, 'api');
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
    const { record } = await upsertOne(dataSource.manager, hospitalId, randomUUID(), input, 'api');
    // An SIU batch after it: its events took numbers from the sequence; the message row carries the latest.
    const [{ position }]: { position: string }[] = await dataSource.query(
      `SELECT nextval(pg_get_serial_sequence('patient_import.patient_events', 'seq')) AS position`,
    );
    await dataSource.query(
      `INSERT INTO patient_import.patient_events (hospital_id, patient_id, kind, summary, event_position)
       VALUES ($1, $2, 'siu', 'SIU S12: patient updated', $3)`,
      [hospitalId, record.id, position],
    );
    await upsertOne(dataSource.manager, hospitalId, randomUUID(), input, 'api');
    const payloads = (await events())
      .map((row: { payload: Record<string, unknown> }) => row.payload)
      .filter((payload: Record<string, unknown>) => payload.patientId === record.id);
    expect(payloads[1].previousPatientPosition).toBe(Number(position));
    expect(payloads[1].patientPosition).toBeGreaterThan(Number(position));
  });

  it("stores the patients of several requests in one statement, each announced and traced as its own request's work", async () => {
    const [hospitalA, hospitalB] = [randomUUID(), randomUUID()];
    const stored = await upsertOne(
      dataSource.manager,
      hospitalA,
      randomUUID(),
      {
        patientCode: 'P-10',
        firstName: 'Anna',
        lastName: 'Old',
        sex: 'female',
        email: 'anna@example.org',
        identifiers: [{ system: 'urn:mrn', value: '10' }],
      },
      'api',
    );
    const request = (correlationId: string) => ({
      correlationId,
      traceparent: `00-${randomUUID().replace(/-/g, '')}-${'1'.repeat(16)}-01`,
    });
    const messageId = randomUUID();
    const upserts: PatientUpsert[] = [
      {
        hospitalId: hospitalA,
        id: randomUUID(),
        patient: { patientCode: 'P-10', firstName: 'Anna', lastName: 'New' },
        source: 'api',
        context: request('corr-update'),
      },
      {
        hospitalId: hospitalA,
        id: randomUUID(),
        patient: { patientCode: 'P-11', firstName: 'Ben', lastName: 'B', sex: 'male' },
        source: 'import',
        trace: { channel: 'hl7', messageId },
        context: request('corr-import'),
      },
      {
        hospitalId: hospitalB,
        id: randomUUID(),
        patient: { patientCode: 'P-10', firstName: 'Other', lastName: 'Hospital' },
        source: 'api',
        context: request('corr-other-hospital'),
      },
    ];
    const outboxBefore = (await events()).length;
    const results = await repository.upsertMany(dataSource.manager, upserts);

    // Answers in the order asked, the stored patient keeping its id and what the update did not carry.
    expect(results.map(({ record, created }) => [record.patientCode, record.lastName, created])).toEqual([
      ['P-10', 'New', false],
      ['P-11', 'B', true],
      ['P-10', 'Hospital', true],
    ]);
    expect(results[0].record).toMatchObject({
      id: stored.record.id,
      sex: 'female',
      email: 'anna@example.org',
      identifiers: [{ system: 'urn:mrn', value: '10' }],
    });
    expect(results[2].record.id).not.toBe(stored.record.id);
    const announced: { correlation_id: string; traceparent: string; payload: { patientId: string } }[] =
      await dataSource.query(
        `SELECT correlation_id, traceparent, payload FROM patient_import.outbox ORDER BY txid, seq OFFSET $1`,
        [outboxBefore],
      );
    expect(
      announced
        .map((row) => [row.payload.patientId, row.correlation_id, row.traceparent])
        .sort((a, b) => a[1].localeCompare(b[1])),
    ).toEqual(
      results
        .map(({ record }, index) => [
          record.id,
          upserts[index].context.correlationId,
          upserts[index].context.traceparent,
        ])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    );
    const traces = await traced();
    expect(traces.filter((row: { patientId: string }) => row.patientId === results[1].record.id)).toEqual([
      {
        patientId: results[1].record.id,
        kind: 'import',
        channel: 'hl7',
        messageId,
        summary: 'Patient created by an import from the hospital',
      },
    ]);
    expect(traces.filter((row: { patientId: string }) => row.patientId === results[2].record.id)).toEqual([
      {
        patientId: results[2].record.id,
        kind: 'push',
        channel: 'api',
        messageId: null,
        summary: 'Patient created by a push',
      },
    ]);

    // A value the upsert does carry replaces the stored one, even the columns' defaults.
    const [replaced] = await repository.upsertMany(dataSource.manager, [
      {
        ...upserts[0],
        id: randomUUID(),
        patient: { patientCode: 'P-10', firstName: 'Anna', lastName: 'New', sex: 'unknown', identifiers: [] },
      },
    ]);
    expect(replaced.record).toMatchObject({ id: stored.record.id, sex: 'unknown', identifiers: [] });
  });

  it("stores the others of a shared statement that fails for one patient, each once (StatementBatcher's retry)", async () => {
    const hospitalId = randomUUID();
    await dataSource.query(`
      CREATE FUNCTION patient_import.refuse_patient() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.patient_code = 'REFUSED' THEN RAISE EXCEPTION 'patient refused by the test'; END IF;
        RETURN NEW;
      END $$`);
    await dataSource.query(`CREATE TRIGGER refuse_patient BEFORE INSERT ON patient_import.patients
      FOR EACH ROW EXECUTE FUNCTION patient_import.refuse_patient()`);
    try {
      const statements: string[][] = [];
      const batcher = new StatementBatcher<PatientUpsert, UpsertedPatient>({
        run: (upserts) => {
          statements.push(upserts.map((upsert) => upsert.patient.patientCode));
          return repository.upsertMany(dataSource.manager, upserts);
        },
        keyOf: (upsert) => upsert.patient.patientCode,
        maxInFlight: 1,
        maxBatch: 10,
      });
      const submit = (patientCode: string) =>
        batcher
          .submit({
            hospitalId,
            id: randomUUID(),
            patient: { patientCode, firstName: 'A', lastName: 'B' },
            source: 'api',
            context: { correlationId: patientCode, traceparent: null },
          })
          .then(
            ({ created }) => (created ? 'created' : 'updated'),
            (error: Error) => error.message,
          );
      const outcomes = await Promise.all(['S-1', 'S-2', 'REFUSED', 'S-3'].map(submit));

      expect(outcomes).toEqual(['created', 'created', 'patient refused by the test', 'created']);
      // S-1 alone, the three that waited together, then one by one after the shared statement failed.
      expect(statements).toEqual([['S-1'], ['S-2', 'REFUSED', 'S-3'], ['S-2'], ['REFUSED'], ['S-3']]);
      const rows: { patient_code: string; events: string; traces: string }[] = await dataSource.query(
        `SELECT p.patient_code,
           (SELECT count(*) FROM patient_import.outbox o WHERE o.payload->>'patientId' = p.id::text) AS events,
           (SELECT count(*) FROM patient_import.patient_events e WHERE e.patient_id = p.id) AS traces
         FROM patient_import.patients p WHERE p.hospital_id = $1 ORDER BY p.patient_code`,
        [hospitalId],
      );
      expect(rows).toEqual([
        { patient_code: 'S-1', events: '1', traces: '1' },
        { patient_code: 'S-2', events: '1', traces: '1' },
        { patient_code: 'S-3', events: '1', traces: '1' },
      ]);
    } finally {
      await dataSource.query(`DROP TRIGGER refuse_patient ON patient_import.patients`);
      await dataSource.query(`DROP FUNCTION patient_import.refuse_patient()`);
    }
  });

  it('writes neither the patient nor the event when the surrounding transaction rolls back', async () => {
    const before = (await events()).length;
    const tracedBefore = (await traced()).length;
    await expect(
      dataSource.transaction(async (manager) => {
        await upsertOne(
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
