import { ImportLookupAnsweredEventV1, validatePayload } from '@bridge/contracts';
import { SecretBox } from '@bridge/database';
import { migratedTestDatabase } from '@bridge/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { patientImportMigrations } from '../patient-import.module';
import { PATIENT_IMPORT_SCHEMA } from '../patient-import.schema';
import { patientImportTestOutbox } from '../patient-import-outbox.spec-helpers';
import { ImportsRepository, type NewImportSession } from './imports.repository';

/**
 * Medium test (docs/testing.md): storing an import session on PostgreSQL (patient-import's own migrations).
 * What it holds: a lookup answered to a client or user is announced to the audit trail by the statement
 * that stores its session (the outbox row commits with it, or neither does); the platform's own lookups
 * announce nothing; a session is stored only through the hospital's current import source.
 */
describe('ImportsRepository.insertMany (medium)', () => {
  let database: Awaited<ReturnType<typeof migratedTestDatabase>>;
  let dataSource: DataSource;
  let sessions: ImportsRepository;

  beforeAll(async () => {
    database = await migratedTestDatabase(
      PATIENT_IMPORT_SCHEMA,
      patientImportMigrations(new SecretBox(randomBytes(32).toString('base64'))),
    );
    dataSource = database.dataSource;
    const outbox = patientImportTestOutbox();
    sessions = new ImportsRepository(dataSource, outbox);
  });

  afterAll(async () => {
    await database?.drop();
  });

  /** A hospital whose stored import source is `source` (none: no row). */
  async function hospitalWithSource(source?: 'hl7' | 'webservice'): Promise<string> {
    const hospitalId = randomUUID();
    if (source) {
      await dataSource.query(
        'INSERT INTO patient_import.import_sources (hospital_id, source) VALUES ($1, $2)',
        [hospitalId, source],
      );
    }
    return hospitalId;
  }

  async function sessionsStored(importId: string): Promise<number> {
    const [{ count }]: { count: string }[] = await dataSource.query(
      'SELECT count(*) FROM patient_import.import_sessions WHERE id = $1',
      [importId],
    );
    return Number(count);
  }

  async function session(overrides: Partial<NewImportSession> = {}): Promise<NewImportSession> {
    return {
      id: randomUUID(),
      hospitalId: await hospitalWithSource('hl7'),
      requestedBy: 'client:clt_emr',
      source: 'hl7',
      lookupBy: 'patientCode',
      candidates: [
        { patientCode: 'P-1', firstName: 'Els', lastName: 'Peeters', sex: 'female', identifiers: [] },
      ],
      ttlSeconds: 600,
      context: { correlationId: randomUUID(), traceparent: null },
      ...overrides,
    };
  }

  /** One session alone, as a lookup with no other in flight stores it. */
  async function insert(stored: NewImportSession) {
    return (await sessions.insertMany([stored]))[0];
  }

  async function announced(
    importId: string,
  ): Promise<{ payload: unknown; events: number; correlation_id: string; traceparent: string | null }[]> {
    return dataSource.query(
      `SELECT payload, events, correlation_id, traceparent FROM patient_import.outbox
       WHERE event = 'imports.lookup.answered.v1' AND payload->>'importId' = $1`,
      [importId],
    );
  }

  it("announces a client's or user's lookup in the statement that stores the session", async () => {
    const stored = await session({ auditActor: { kind: 'user', id: 'usr-7' } });
    const before = Date.now();
    const { expiresAt, candidates } = (await insert(stored))!;

    expect(candidates).toEqual(stored.candidates);
    expect(Date.parse(expiresAt)).toBeGreaterThan(before);
    const rows = await announced(stored.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].events).toBe(1);
    const event = validatePayload(ImportLookupAnsweredEventV1, rows[0].payload);
    expect(event).toEqual({
      hospitalId: stored.hospitalId,
      importId: stored.id,
      actor: { kind: 'user', id: 'usr-7' },
      at: expect.any(String),
    });
    // The session's own time: the moment the hospital's answer was stored.
    const [{ created_at }]: { created_at: Date }[] = await dataSource.query(
      'SELECT created_at FROM patient_import.import_sessions WHERE id = $1',
      [stored.id],
    );
    expect(Date.parse(event.at)).toBe(created_at.getTime());
  });

  it('announces nothing for a lookup of the platform itself (no audit actor)', async () => {
    const stored = await session({ requestedBy: 'siu-ingestor' });
    await insert(stored);

    expect(await sessionsStored(stored.id)).toBe(1);
    expect(await announced(stored.id)).toEqual([]);
  });

  it('writes neither the session nor its announcement when the session cannot be stored', async () => {
    const first = await session({ auditActor: { kind: 'client', id: 'clt_emr' } });
    await insert(first);
    // The same id again: the session's insert fails, and the outbox row of its statement with it.
    const again = { ...first, hospitalId: await hospitalWithSource('hl7') };
    await expect(insert(again)).rejects.toThrow(/duplicate key/);

    const rows = (await announced(first.id)) as { payload: { hospitalId: string } }[];
    expect(rows.map((row) => row.payload.hospitalId)).toEqual([first.hospitalId]);
  });

  it("stores nothing, and announces nothing, once the hospital's import source is another or none", async () => {
    for (const stored of [
      await session({
        hospitalId: await hospitalWithSource('webservice'),
        auditActor: { kind: 'user', id: 'u' },
      }),
      await session({ hospitalId: await hospitalWithSource(), auditActor: { kind: 'user', id: 'u' } }),
    ]) {
      await expect(insert(stored)).resolves.toBeUndefined();
      expect(await sessionsStored(stored.id)).toBe(0);
      expect(await announced(stored.id)).toEqual([]);
    }
    // Through the current source the same session is stored.
    const current = await session({
      hospitalId: await hospitalWithSource('webservice'),
      source: 'webservice',
    });
    await expect(insert(current)).resolves.toMatchObject({ candidates: current.candidates });
    expect(await sessionsStored(current.id)).toBe(1);
  });

  it('stores the sessions of concurrent lookups in one statement, each with its own candidates, event and context', async () => {
    const hospitalId = await hospitalWithSource('hl7');
    const known = randomUUID();
    await dataSource.query(
      `INSERT INTO patient_import.patients (id, hospital_id, patient_code, first_name, last_name, source)
       VALUES ($1, $2, 'P-2', 'Jan', 'Peeters', 'api')`,
      [known, hospitalId],
    );
    const candidate = (patientCode: string) => ({
      patientCode,
      firstName: 'Els',
      lastName: 'Peeters',
      sex: 'female' as const,
      identifiers: [],
    });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const [marked, otherHospital, unannounced, refused] = [
      await session({
        hospitalId,
        candidates: [candidate('P-1'), candidate('P-2'), candidate('P-3')],
        auditActor: { kind: 'user', id: 'usr-1' },
        context: { correlationId: 'corr-marked', traceparent },
      }),
      // P-2 is a patient of the first hospital only: not marked here.
      await session({
        candidates: [candidate('P-2')],
        auditActor: { kind: 'client', id: 'clt_emr' },
        context: { correlationId: 'corr-other', traceparent: null },
      }),
      await session({ hospitalId, requestedBy: 'siu-ingestor' }),
      await session({
        hospitalId: await hospitalWithSource('webservice'),
        auditActor: { kind: 'user', id: 'usr-2' },
      }),
    ];
    const statements = jest.spyOn(dataSource, 'query');
    const results = await sessions.insertMany([marked, otherHospital, unannounced, refused]);
    expect(statements).toHaveBeenCalledTimes(1);
    statements.mockRestore();

    expect(results[0]!.candidates).toEqual([
      candidate('P-1'),
      { ...candidate('P-2'), existingPatientId: known },
      candidate('P-3'),
    ]);
    expect(results[1]!.candidates).toEqual([candidate('P-2')]);
    expect(results[2]!.candidates).toEqual(unannounced.candidates);
    expect(results[3]).toBeUndefined();
    expect(await sessionsStored(refused.id)).toBe(0);
    const [stored]: { candidates: { existingPatientId?: string }[] }[] = await dataSource.query(
      'SELECT candidates FROM patient_import.import_sessions WHERE id = $1',
      [marked.id],
    );
    expect(stored.candidates.map((stored) => stored.existingPatientId)).toEqual([
      undefined,
      known,
      undefined,
    ]);

    const [first] = await announced(marked.id);
    expect(first).toMatchObject({ events: 1, correlation_id: 'corr-marked', traceparent });
    expect(first.payload).toMatchObject({ hospitalId, actor: { kind: 'user', id: 'usr-1' } });
    const [second] = await announced(otherHospital.id);
    expect(second).toMatchObject({ correlation_id: 'corr-other', traceparent: null });
    expect(second.payload).toMatchObject({
      hospitalId: otherHospital.hospitalId,
      actor: { kind: 'client', id: 'clt_emr' },
    });
    expect(await announced(unannounced.id)).toEqual([]);
    expect(await announced(refused.id)).toEqual([]);
  });
});
