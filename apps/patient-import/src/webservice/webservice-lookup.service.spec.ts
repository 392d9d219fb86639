import { DestinationPolicy } from '@bridge/config';
import { DomainError, type WebServiceConnectionInputV1 } from '@bridge/contracts';
import { ServiceMetrics } from '@bridge/observability';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebServiceClient } from './webservice.client';
import type {
  ExchangeEndRow,
  NewExchangeRow,
  WebServiceJournalRepository,
} from './webservice-journal.repository';
import { RAW_IN_MAX_CHARS, WebServiceJournalService } from './webservice-journal.service';
import { WebServiceLookupService } from './webservice-lookup.service';

/** The journal's rows in memory: enough to see what is written, and when. */
class MemoryJournal {
  rows = new Map<string, NewExchangeRow & Partial<Omit<ExchangeEndRow, 'status'>> & { status: string }>();
  async insert(row: NewExchangeRow) {
    this.rows.set(row.id, { ...row, status: 'sent' });
  }
  async finish(_hospitalId: string, id: string, end: ExchangeEndRow) {
    this.rows.set(id, { ...this.rows.get(id)!, ...end });
  }
  only() {
    expect(this.rows.size).toBe(1);
    return [...this.rows.values()][0];
  }
}

const HOSPITAL = '6f1c8f46-6a5a-4d3e-9d9e-3f1b2d4c5a6b';

describe('WebServiceLookupService', () => {
  let server: Server;
  let baseUrl: string;
  let answer: (url: string) => { status: number; body: string } | undefined;
  const sockets = new Set<Socket>();
  const statusSeenByHospital: string[] = [];
  let journal: MemoryJournal;
  let service: WebServiceLookupService;

  beforeAll(async () => {
    server = createServer((request, response) => {
      // What the journal says while the hospital is being asked: the row must already be there.
      statusSeenByHospital.push([...journal.rows.values()].map((row) => row.status).join(','));
      const reply = answer(request.url ?? '');
      if (!reply) return; // hang
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(reply.body);
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pdq`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  beforeEach(() => {
    journal = new MemoryJournal();
    statusSeenByHospital.length = 0;
    service = new WebServiceLookupService(
      new WebServiceClient(new DestinationPolicy({ allowLoopback: true, platformEndpoints: [] })),
      new WebServiceJournalService(journal as unknown as WebServiceJournalRepository),
      new ServiceMetrics('patient-import'),
    );
  });

  const connection = (overrides: Partial<WebServiceConnectionInputV1> = {}) =>
    ({
      flavor: 'pdq',
      baseUrl,
      auth: { type: 'bearer', token: 'very-secret-token' },
      ...overrides,
    }) as WebServiceConnectionInputV1;

  async function failure(promise: Promise<unknown>): Promise<DomainError> {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      return error as DomainError;
    }
    throw new Error('expected a failure');
  }

  it('journals the request as sent before the call and as replied after it, without the secret', async () => {
    answer = () => ({
      status: 200,
      body: JSON.stringify({
        total: 1,
        entry: [{ patient_code: '000777', first_name: 'Lucas', last_name: 'Peeters' }],
      }),
    });
    const result = await service.lookup(HOSPITAL, connection(), { by: 'patientCode', value: '000777' });
    expect(result.candidates).toEqual([
      expect.objectContaining({ patientCode: '000777', firstName: 'Lucas' }),
    ]);
    expect(statusSeenByHospital).toEqual(['sent']);
    const row = journal.only();
    expect(row).toMatchObject({
      id: result.messageId,
      hospitalId: HOSPITAL,
      type: 'GET pdq',
      status: 'replied',
      httpStatus: 200,
      summary: { outcome: 'found', candidates: 1 },
    });
    expect(row.rawOut).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/pdq\/Patient\?identifier:of-type=/);
    expect(row.rawOut).toContain('authorization: Bearer [redacted]');
    expect(row.rawOut).not.toContain('very-secret-token');
    expect(row.rawIn).toContain('Lucas');
    expect(row.durationMs).toEqual(expect.any(Number));
  });

  it('not found: journaled as replied with zero candidates, then PATIENT_NOT_FOUND_AT_HOSPITAL', async () => {
    answer = () => ({ status: 200, body: '{"total":0,"entry":[]}' });
    const error = await failure(service.lookup(HOSPITAL, connection(), { by: 'visitNumber', value: 'V1' }));
    expect(error.code).toBe('PATIENT_NOT_FOUND_AT_HOSPITAL');
    expect(journal.only()).toMatchObject({
      status: 'replied',
      summary: { outcome: 'not_found', candidates: 0 },
    });
  });

  it('hospital error: journaled as failed with the answer, error carries the hospital text', async () => {
    answer = () => ({ status: 500, body: '{"error":"Patient database offline"}' });
    const error = await failure(service.lookup(HOSPITAL, connection(), { by: 'patientCode', value: 'X' }));
    expect(error.code).toBe('HOSPITAL_ERROR');
    expect(error.details?.hospitalText).toBe('Patient database offline');
    expect(journal.only()).toMatchObject({
      status: 'failed',
      error: 'The hospital web service answered HTTP 500.',
      httpStatus: 500,
      rawIn: '{"error":"Patient database offline"}',
    });
  });

  it('timeout: HOSPITAL_TIMEOUT within the connection timeout, journaled as failed with no answer', async () => {
    answer = () => undefined;
    const started = Date.now();
    const error = await failure(
      service.lookup(HOSPITAL, connection({ timeoutMs: 300 }), { by: 'patientCode', value: 'X' }),
    );
    expect(error.code).toBe('HOSPITAL_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(1300);
    const row = journal.only();
    expect(row).toMatchObject({ status: 'failed', summary: { outcome: 'timeout' } });
    expect(row.rawIn).toBeUndefined();
  });

  it('keeps at most 64 KiB of an answer in the journal', async () => {
    const long = 'x'.repeat(RAW_IN_MAX_CHARS + 10);
    answer = () => ({ status: 500, body: long });
    await failure(service.lookup(HOSPITAL, connection(), { by: 'patientCode', value: 'X' }));
    const rawIn = journal.only().rawIn ?? '';
    expect(rawIn.startsWith('x'.repeat(RAW_IN_MAX_CHARS))).toBe(true);
    expect(rawIn).toContain('[truncated: 10 more characters]');
  });
});
