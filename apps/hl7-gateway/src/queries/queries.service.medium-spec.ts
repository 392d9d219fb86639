import { DestinationPolicy } from '@bridge/config';
import { DomainError, type Hl7ConnectionInputV1 } from '@bridge/contracts';
import { ServiceMetrics } from '@bridge/observability';
import { migratedTestDatabase } from '@bridge/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ConnectionsService } from '../connections/connections.service';
import { ConnectionsRepository } from '../connections/connections.repository';
import { hl7GatewayMigrations } from '../hl7-gateway.module';
import { HL7_GATEWAY_SCHEMA } from '../hl7-gateway.schema';
import { JournalRepository } from '../journal/journal.repository';
import { JournalService, type ExchangeEnd, type OpenExchange } from '../journal/journal.service';
import { fakeHospital, HOST, replyTo } from './fake-hospital.spec-helpers';
import { KeptConnections } from './kept-connections';
import { newControlId, QueriesService } from './queries.service';

/**
 * Medium test (docs/testing.md): the query service with its real journal on PostgreSQL (hl7-gateway's own
 * migrations) against a real MLLP socket standing in for the hospital. Only the stored connection is given.
 */
let database: Awaited<ReturnType<typeof migratedTestDatabase>>;
let dataSource: DataSource;

beforeAll(async () => {
  database = await migratedTestDatabase(HL7_GATEWAY_SCHEMA, hl7GatewayMigrations());
  dataSource = database.dataSource;
});
afterAll(async () => {
  await database?.drop();
});

/** The real journal, noting when each of its writes has completed, so "written before sent" can be asserted. */
class RecordingJournal extends JournalService {
  readonly events: string[] = [];

  constructor() {
    super(new JournalRepository(dataSource));
  }

  override async open(entry: Parameters<JournalService['open']>[0]): Promise<OpenExchange | undefined> {
    const exchange = await super.open(entry);
    this.events.push(exchange ? 'open' : 'open refused');
    return exchange;
  }

  override async close(exchange: OpenExchange, end: ExchangeEnd): Promise<void> {
    await super.close(exchange, end);
    this.events.push(`close:${end.status}`);
  }
}

interface JournalRow {
  id: string;
  direction: string;
  type: string;
  control_id: string;
  status: string;
  error: string | null;
  raw_out: string;
  raw_in: string | null;
  summary: Record<string, unknown>;
  finished_at: Date | null;
}

/** A hospital's answer to any query: one patient, Jan Peeters (000123). */
function answerJan(query: Parameters<typeof replyTo>[0]): string {
  return replyTo(query, ['PID|1||000123^^^AZSTJAN^MR||Peeters^Jan||19850714|M']);
}

/** The journal rows of one hospital, oldest first. */
async function journaled(hospitalId: string): Promise<JournalRow[]> {
  return dataSource.query(
    `SELECT id, direction, type, control_id, status, error, raw_out, raw_in, summary, finished_at
     FROM hl7_gateway.messages WHERE hospital_id = $1 ORDER BY created_at`,
    [hospitalId],
  );
}

/** The hospital's connection stored as an admin's PUT stores it; the service reads it through `reads`. */
async function service(
  hospitalId: string,
  settings: Hl7ConnectionInputV1 | undefined,
  journal: RecordingJournal,
  reads: string[] = [],
): Promise<QueriesService> {
  const repository = new ConnectionsRepository(dataSource);
  if (settings) await repository.upsert(hospitalId, settings);
  const connections = {
    find: (id: string) => (reads.push(id), repository.find(id)),
  } as unknown as ConnectionsService;
  const metrics = new ServiceMetrics('hl7-gateway');
  const kept = new KeptConnections(metrics);
  keptConnections.push(kept);
  return new QueriesService(
    connections,
    journal,
    new DestinationPolicy({ allowLoopback: true, platformEndpoints: [] }),
    kept,
    metrics,
  );
}

/** Every service's kept connections, closed after each test. */
const keptConnections: KeptConnections[] = [];
afterEach(async () => {
  await Promise.all(keptConnections.splice(0).map((kept) => kept.onModuleDestroy()));
});

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('QueriesService with its journal on PostgreSQL (medium)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  /** A hospital of its own per test: its journal rows are the test's. */
  let hospitalId: string;
  beforeEach(() => {
    hospitalId = randomUUID();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('journals the query before it leaves, then the reply; returns candidates and the journal id', async () => {
    const journal = new RecordingJournal();
    const hospital = await fakeHospital((query) => {
      journal.events.push('hospital received');
      return answerJan(query);
    });
    cleanups.push(hospital.close);
    const result = await (
      await service(
        hospitalId,
        { host: HOST, port: hospital.port, queryStyle: 'QBP_Q22' } as Hl7ConnectionInputV1,
        journal,
      )
    ).query({
      hospitalId: hospitalId,
      by: 'patientCode',
      value: '000123',
    });
    // The row was committed before the hospital read a byte.
    expect(journal.events).toEqual(['open', 'hospital received', 'close:replied']);
    expect(result.candidates).toHaveLength(1);
    const [row] = await journaled(hospitalId);
    expect(row).toMatchObject({
      id: result.messageId,
      direction: 'outbound',
      type: 'QBP^Q22',
      status: 'replied',
      error: null,
      summary: expect.any(Object),
      finished_at: expect.any(Date),
    });
    // The journaled query is exactly what the hospital read, control id included, and so is the reply.
    expect(hospital.received[0].get('MSH-10')).toBe(row.control_id);
    expect(row.raw_out).toContain('QPD|IHE PDQ Query|');
    expect(row.raw_in).toContain('Peeters^Jan');
  });

  it('a failure is journaled as failed and thrown with the journal id in its details', async () => {
    const journal = new RecordingJournal();
    const hospital = await fakeHospital((query) =>
      replyTo(query, [], { msa: `MSA|AR|${query.get('MSH-10')}|Down for maintenance` }),
    );
    cleanups.push(hospital.close);
    const error = await rejection(
      (
        await service(
          hospitalId,
          { host: HOST, port: hospital.port, queryStyle: 'QRY_A19' } as Hl7ConnectionInputV1,
          journal,
        )
      ).query({
        hospitalId: hospitalId,
        by: 'visitNumber',
        value: 'V1',
      }),
    );
    const [row] = await journaled(hospitalId);
    expect(error).toMatchObject({
      code: 'HOSPITAL_ERROR',
      details: { hospitalText: 'Down for maintenance', messageId: row.id },
    });
    expect(journal.events).toEqual(['open', 'close:failed']);
    expect(row).toMatchObject({
      type: 'QRY^A19',
      status: 'failed',
      error: expect.any(String),
      raw_in: expect.stringContaining('Down for maintenance'),
    });
  });

  it('no HL7 connection: IMPORT_SOURCE_NOT_CONFIGURED, nothing sent, nothing journaled', async () => {
    const journal = new RecordingJournal();
    const error = await rejection(
      (await service(hospitalId, undefined, journal)).query({ hospitalId, by: 'patientCode', value: 'X' }),
    );
    expect(error.code).toBe('IMPORT_SOURCE_NOT_CONFIGURED');
    expect(journal.events).toEqual([]);
    expect(await journaled(hospitalId)).toEqual([]);
  });

  it('a blank value is a VALIDATION_FAILED on value, before anything is journaled', async () => {
    const journal = new RecordingJournal();
    const error = await rejection(
      (
        await service(
          hospitalId,
          { host: HOST, port: 1, queryStyle: 'QRY_A19' } as Hl7ConnectionInputV1,
          journal,
        )
      ).query({
        hospitalId: hospitalId,
        by: 'patientCode',
        value: '   ',
      }),
    );
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', details: { errors: [{ field: 'value' }] } });
    expect(journal.events).toEqual([]);
    expect(await journaled(hospitalId)).toEqual([]);
  });

  it('reads the connection once, and a change stored meanwhile applies to the next query', async () => {
    const journal = new RecordingJournal();
    const [before, after] = [await fakeHospital(answerJan), await fakeHospital(answerJan)];
    cleanups.push(before.close, after.close);
    const reads: string[] = [];
    const settings = { host: HOST, port: before.port, queryStyle: 'QBP_Q22' } as Hl7ConnectionInputV1;
    const queries = await service(hospitalId, settings, journal, reads);
    const lookup = () => queries.query({ hospitalId, by: 'patientCode', value: '000123' });

    await lookup();
    await lookup();
    expect(reads).toHaveLength(1);
    expect(before.received).toHaveLength(2);

    // Stored by another instance, say: this one still remembers the old port.
    await new ConnectionsRepository(dataSource).upsert(hospitalId, { ...settings, port: after.port });
    await lookup();
    expect(after.received).toHaveLength(1);
    expect(before.received).toHaveLength(2);
    expect(reads).toHaveLength(2);
    // The query built from the old settings was refused before it was journaled or sent.
    expect(journal.events).toEqual([
      ...['open', 'close:replied', 'open', 'close:replied'],
      ...['open refused', 'open', 'close:replied'],
    ]);
    expect((await journaled(hospitalId)).map((row) => row.status)).toEqual(['replied', 'replied', 'replied']);
  });

  it('queries opened together share one journal statement; a query whose connection changed is refused alone', async () => {
    const journal = new RecordingJournal();
    const [hospital, moved] = [await fakeHospital(answerJan), await fakeHospital(answerJan)];
    cleanups.push(hospital.close, moved.close);
    const settings = { host: HOST, port: hospital.port, queryStyle: 'QBP_Q22' } as Hl7ConnectionInputV1;
    const other = randomUUID();
    const queries = await service(hospitalId, settings, journal);
    await new ConnectionsRepository(dataSource).upsert(other, settings);
    const lookup = (id: string) => queries.query({ hospitalId: id, by: 'patientCode', value: '000123' });
    await lookup(hospitalId);
    await lookup(other);
    // Stored by another instance: this one still remembers the old port for `other`.
    await new ConnectionsRepository(dataSource).upsert(other, { ...settings, port: moved.port });

    const statements = jest.spyOn(dataSource, 'query');
    const results = await Promise.all([
      lookup(hospitalId),
      lookup(other),
      lookup(hospitalId),
      lookup(hospitalId),
    ]);
    const inserts = statements.mock.calls
      .filter(([sql]) => sql.trim().startsWith('INSERT INTO hl7_gateway.messages'))
      .map(([, parameters]) => (JSON.parse((parameters as string[])[0]) as unknown[]).length);
    statements.mockRestore();
    // The first went alone; the three opened meanwhile went together, `other`'s refused in that statement
    // only; rebuilt from the stored connection, it went alone.
    expect(inserts).toEqual([1, 3, 1]);
    expect(journal.events.filter((event) => event === 'open refused')).toHaveLength(1);
    expect(results.every((result) => result.candidates.length === 1)).toBe(true);
    expect(moved.received).toHaveLength(1);
    expect(hospital.received).toHaveLength(5);
    // Each row is its own query and reply, completed: the control id the hospital read, the reply it sent.
    const rows = [...(await journaled(hospitalId)), ...(await journaled(other))];
    expect(rows.map((row) => row.status)).toEqual(Array(6).fill('replied'));
    const sent = [...hospital.received, ...moved.received].map((message) => message.get('MSH-10'));
    expect(rows.map((row) => row.control_id).sort()).toEqual(sent.sort());
    for (const row of rows) expect(row.raw_in).toContain(`MSA|AA|${row.control_id}`);
    expect(results.map((result) => result.messageId).every((id) => rows.some((row) => row.id === id))).toBe(
      true,
    );
  });

  it('a connection removed after it was read: IMPORT_SOURCE_NOT_CONFIGURED, nothing sent', async () => {
    const journal = new RecordingJournal();
    const hospital = await fakeHospital((query) => replyTo(query, []));
    cleanups.push(hospital.close);
    const queries = await service(
      hospitalId,
      { host: HOST, port: hospital.port, queryStyle: 'QRY_A19' } as Hl7ConnectionInputV1,
      journal,
    );
    await rejection(queries.query({ hospitalId, by: 'patientCode', value: 'P1' })); // not found: read and kept
    await dataSource.query('DELETE FROM hl7_gateway.hl7_connections WHERE hospital_id = $1', [hospitalId]);
    const error = await rejection(queries.query({ hospitalId, by: 'patientCode', value: 'P2' }));
    expect(error.code).toBe('IMPORT_SOURCE_NOT_CONFIGURED');
    expect(hospital.received).toHaveLength(1);
    expect(await journaled(hospitalId)).toHaveLength(1);
  });

  describe('connections kept open (keepOpenMs)', () => {
    const lookup = (queries: QueriesService) =>
      queries.query({ hospitalId, by: 'patientCode', value: '000123' });
    const keepingOpen = (port: number) =>
      ({ host: HOST, port, queryStyle: 'QRY_A19', keepOpenMs: 60_000 }) as Hl7ConnectionInputV1;

    it('without keepOpenMs every query has a connection of its own', async () => {
      const hospital = await fakeHospital(answerJan);
      cleanups.push(hospital.close);
      const settings = { host: HOST, port: hospital.port, queryStyle: 'QRY_A19' } as Hl7ConnectionInputV1;
      const queries = await service(hospitalId, settings, new RecordingJournal());
      await lookup(queries);
      await lookup(queries);
      expect(new Set(hospital.connectionIds).size).toBe(2);
    });

    it('queries in turn share one connection; a change of the stored connection opens a new one', async () => {
      const hospital = await fakeHospital(answerJan);
      cleanups.push(hospital.close);
      const settings = keepingOpen(hospital.port);
      const queries = await service(hospitalId, settings, new RecordingJournal());
      for (let i = 0; i < 3; i++) expect((await lookup(queries)).candidates).toHaveLength(1);
      expect(new Set(hospital.connectionIds).size).toBe(1);

      // Stored again (same address, another receiving facility): the next query is built from it and
      // goes on a new connection, never on one opened for the old settings.
      await new ConnectionsRepository(dataSource).upsert(hospitalId, {
        ...settings,
        receivingFacility: 'NEWHIS',
      });
      await lookup(queries);
      await lookup(queries);
      expect(hospital.received.map((query) => query.get('MSH-6'))).toEqual(['', '', '', 'NEWHIS', 'NEWHIS']);
      const [first, , , moved, after] = hospital.connectionIds;
      expect(moved).not.toBe(first);
      expect(after).toBe(moved);
      // Each journal row holds its own query and the reply to it.
      const rows = await journaled(hospitalId);
      expect(rows.map((row) => row.status)).toEqual(Array(5).fill('replied'));
      for (const row of rows) expect(row.raw_in).toContain(`MSA|AA|${row.control_id}`);
    });

    it('a reply that does not answer the query is not trusted again: the next query opens a new connection', async () => {
      let replies = 0;
      const hospital = await fakeHospital((query) =>
        ++replies === 2 ? replyTo(query, [], { msa: 'MSA|AA|SOMEONE-ELSES' }) : answerJan(query),
      );
      cleanups.push(hospital.close);
      const settings = keepingOpen(hospital.port);
      const queries = await service(hospitalId, settings, new RecordingJournal());
      await lookup(queries);
      expect((await rejection(lookup(queries))).details).toMatchObject({ reason: 'CONTROL_ID_MISMATCH' });
      await lookup(queries);
      await lookup(queries);
      const [first, mismatched, next, last] = hospital.connectionIds;
      expect(mismatched).toBe(first);
      expect(next).not.toBe(first);
      expect(last).toBe(next);
    });
  });

  it('control ids are 20 characters and fresh for every query', () => {
    const ids = new Set(Array.from({ length: 1000 }, newControlId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{20}$/);
  });
});
