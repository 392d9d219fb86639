import { DestinationPolicy } from '@bridge/config';
import { DomainError, type Hl7ConnectionInputV1 } from '@bridge/contracts';
import { ServiceMetrics } from '@bridge/observability';
import { migratedTestDatabase } from '@bridge/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ConnectionsService } from '../connections/connections.service';
import type { StoredHl7Connection } from '../connections/connections.repository';
import { hl7GatewayMigrations } from '../hl7-gateway.module';
import { HL7_GATEWAY_SCHEMA } from '../hl7-gateway.schema';
import { JournalRepository } from '../journal/journal.repository';
import { JournalService, type ExchangeEnd, type OpenExchange } from '../journal/journal.service';
import { fakeHospital, HOST, replyTo } from './fake-hospital.spec-helpers';
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

  override async open(entry: {
    hospitalId: string;
    type: string;
    controlId: string;
    rawOut: string;
  }): Promise<OpenExchange> {
    const exchange = await super.open(entry);
    this.events.push('open');
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

/** The journal rows of one hospital, oldest first. */
async function journaled(hospitalId: string): Promise<JournalRow[]> {
  return dataSource.query(
    `SELECT id, direction, type, control_id, status, error, raw_out, raw_in, summary, finished_at
     FROM hl7_gateway.messages WHERE hospital_id = $1 ORDER BY created_at`,
    [hospitalId],
  );
}

function service(settings: Hl7ConnectionInputV1 | undefined, journal: RecordingJournal): QueriesService {
  const connections = {
    find: (hospitalId: string): Promise<StoredHl7Connection | undefined> =>
      Promise.resolve(settings && { hospitalId, settings, updatedAt: new Date() }),
  } as unknown as ConnectionsService;
  return new QueriesService(
    connections,
    journal,
    new DestinationPolicy({ allowLoopback: true, platformEndpoints: [] }),
    new ServiceMetrics('hl7-gateway'),
  );
}

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
      return replyTo(query, ['PID|1||000123^^^AZSTJAN^MR||Peeters^Jan||19850714|M']);
    });
    cleanups.push(hospital.close);
    const result = await service(
      { host: HOST, port: hospital.port, queryStyle: 'QBP_Q22' } as Hl7ConnectionInputV1,
      journal,
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
      service(
        { host: HOST, port: hospital.port, queryStyle: 'QRY_A19' } as Hl7ConnectionInputV1,
        journal,
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
      service(undefined, journal).query({ hospitalId: hospitalId, by: 'patientCode', value: 'X' }),
    );
    expect(error.code).toBe('IMPORT_SOURCE_NOT_CONFIGURED');
    expect(journal.events).toEqual([]);
    expect(await journaled(hospitalId)).toEqual([]);
  });

  it('a blank value is a VALIDATION_FAILED on value, before anything is journaled', async () => {
    const journal = new RecordingJournal();
    const error = await rejection(
      service({ host: HOST, port: 1, queryStyle: 'QRY_A19' } as Hl7ConnectionInputV1, journal).query({
        hospitalId: hospitalId,
        by: 'patientCode',
        value: '   ',
      }),
    );
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', details: { errors: [{ field: 'value' }] } });
    expect(journal.events).toEqual([]);
    expect(await journaled(hospitalId)).toEqual([]);
  });

  it('control ids are 20 characters and fresh for every query', () => {
    const ids = new Set(Array.from({ length: 1000 }, newControlId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{20}$/);
  });
});
