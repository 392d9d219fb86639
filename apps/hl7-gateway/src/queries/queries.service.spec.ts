import { DestinationPolicy } from '@bridge/config';
import { DomainError, type Hl7ConnectionInputV1 } from '@bridge/contracts';
import { ServiceMetrics } from '@bridge/observability';
import type { ConnectionsService } from '../connections/connections.service';
import type { StoredHl7Connection } from '../connections/connections.repository';
import type { ExchangeEnd, JournalService, OpenExchange } from '../journal/journal.service';
import { fakeHospital, HOST, replyTo } from './fake-hospital.spec-helpers';
import { newControlId, QueriesService } from './queries.service';

const HOSPITAL_ID = '0b7c6a52-0000-4000-8000-000000000001';

/** In-memory journal recording the order of events, so "written before sent" can be asserted. */
class RecordingJournal {
  readonly events: string[] = [];
  readonly opened: { type: string; controlId: string; rawOut: string }[] = [];
  readonly closed: ExchangeEnd[] = [];

  open(entry: {
    hospitalId: string;
    type: string;
    controlId: string;
    rawOut: string;
  }): Promise<OpenExchange> {
    this.events.push('open');
    this.opened.push(entry);
    return Promise.resolve({
      id: `00000000-0000-4000-8000-00000000000${this.opened.length}`,
      hospitalId: entry.hospitalId,
      startedAt: new Date(),
    });
  }

  close(_exchange: OpenExchange, end: ExchangeEnd): Promise<void> {
    this.events.push(`close:${end.status}`);
    this.closed.push(end);
    return Promise.resolve();
  }
}

function service(settings: Hl7ConnectionInputV1 | undefined, journal: RecordingJournal): QueriesService {
  const connections = {
    find: (): Promise<StoredHl7Connection | undefined> =>
      Promise.resolve(settings && { hospitalId: HOSPITAL_ID, settings, updatedAt: new Date() }),
  } as unknown as ConnectionsService;
  return new QueriesService(
    connections,
    journal as unknown as JournalService,
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

describe('QueriesService', () => {
  const cleanups: (() => Promise<void>)[] = [];
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
      hospitalId: HOSPITAL_ID,
      by: 'patientCode',
      value: '000123',
    });
    expect(journal.events).toEqual(['open', 'hospital received', 'close:replied']);
    expect(result.messageId).toBe('00000000-0000-4000-8000-000000000001');
    expect(result.candidates).toHaveLength(1);
    expect(journal.opened[0].type).toBe('QBP^Q22');
    // The journaled query is exactly what the hospital read, control id included.
    expect(hospital.received[0].get('MSH-10')).toBe(journal.opened[0].controlId);
    expect(journal.opened[0].rawOut).toContain('QPD|IHE PDQ Query|');
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
        hospitalId: HOSPITAL_ID,
        by: 'visitNumber',
        value: 'V1',
      }),
    );
    expect(error).toMatchObject({
      code: 'HOSPITAL_ERROR',
      details: { hospitalText: 'Down for maintenance', messageId: '00000000-0000-4000-8000-000000000001' },
    });
    expect(journal.events).toEqual(['open', 'close:failed']);
    expect(journal.opened[0].type).toBe('QRY^A19');
  });

  it('no HL7 connection: IMPORT_SOURCE_NOT_CONFIGURED, nothing sent, nothing journaled', async () => {
    const journal = new RecordingJournal();
    const error = await rejection(
      service(undefined, journal).query({ hospitalId: HOSPITAL_ID, by: 'patientCode', value: 'X' }),
    );
    expect(error.code).toBe('IMPORT_SOURCE_NOT_CONFIGURED');
    expect(journal.events).toEqual([]);
  });

  it('a blank value is a VALIDATION_FAILED on value, before anything is journaled', async () => {
    const journal = new RecordingJournal();
    const error = await rejection(
      service({ host: HOST, port: 1, queryStyle: 'QRY_A19' } as Hl7ConnectionInputV1, journal).query({
        hospitalId: HOSPITAL_ID,
        by: 'patientCode',
        value: '   ',
      }),
    );
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', details: { errors: [{ field: 'value' }] } });
    expect(journal.events).toEqual([]);
  });

  it('control ids are 20 characters and fresh for every query', () => {
    const ids = new Set(Array.from({ length: 1000 }, newControlId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{20}$/);
  });
});
