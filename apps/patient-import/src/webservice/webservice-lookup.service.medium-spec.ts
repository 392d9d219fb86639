import { DestinationPolicy } from '@bridge/config';
import { DomainError, type WebServiceConnectionInputV1 } from '@bridge/contracts';
import { SecretBox } from '@bridge/database';
import { ServiceMetrics } from '@bridge/observability';
import { migratedTestDatabase } from '@bridge/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { DataSource } from 'typeorm';
import { patientImportMigrations } from '../patient-import.module';
import { PATIENT_IMPORT_SCHEMA } from '../patient-import.schema';
import { WebServiceClient } from './webservice.client';
import { WebServiceJournalRepository } from './webservice-journal.repository';
import { RAW_IN_MAX_CHARS, WebServiceJournalService } from './webservice-journal.service';
import { WebServiceLookupService } from './webservice-lookup.service';

/**
 * Medium test (docs/testing.md): the lookup with its real journal on PostgreSQL (patient-import's own
 * migrations) against a real HTTP server standing in for the hospital's web service.
 */
interface JournalRow {
  id: string;
  hospital_id: string;
  type: string;
  status: string;
  error: string | null;
  raw_out: string | null;
  raw_in: string | null;
  http_status: number | null;
  summary: Record<string, unknown>;
  duration_ms: number | null;
}

describe('WebServiceLookupService', () => {
  let server: Server;
  let baseUrl: string;
  let answer: (url: string) => { status: number; body: string } | undefined;
  const sockets = new Set<Socket>();
  const statusSeenByHospital: string[] = [];
  let database: Awaited<ReturnType<typeof migratedTestDatabase>>;
  let dataSource: DataSource;
  let service: WebServiceLookupService;
  /** A hospital of its own per test: its journal rows are the test's. */
  let hospitalId: string;

  /** The journal rows of this test's hospital, oldest first. */
  async function journaled(): Promise<JournalRow[]> {
    return dataSource.query(
      `SELECT id, hospital_id, type, status, error, raw_out, raw_in, http_status, summary, duration_ms
       FROM patient_import.messages WHERE hospital_id = $1 ORDER BY created_at`,
      [hospitalId],
    );
  }
  async function only(): Promise<JournalRow> {
    const rows = await journaled();
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  beforeAll(async () => {
    database = await migratedTestDatabase(
      PATIENT_IMPORT_SCHEMA,
      patientImportMigrations(new SecretBox(randomBytes(32).toString('base64'))),
    );
    dataSource = database.dataSource;
    server = createServer((request, response) => {
      // What the journal says while the hospital is being asked: the row must already be committed.
      void journaled().then((rows) => {
        statusSeenByHospital.push(rows.map((row) => row.status).join(','));
        const reply = answer(request.url ?? '');
        if (!reply) return; // hang
        response.writeHead(reply.status, { 'content-type': 'application/json' });
        response.end(reply.body);
      });
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pdq`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
    await database?.drop();
  });
  beforeEach(() => {
    hospitalId = randomUUID();
    statusSeenByHospital.length = 0;
    service = new WebServiceLookupService(
      new WebServiceClient(new DestinationPolicy({ allowLoopback: true, platformEndpoints: [] })),
      new WebServiceJournalService(new WebServiceJournalRepository(dataSource)),
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
    const result = await service.lookup(hospitalId, connection(), { by: 'patientCode', value: '000777' });
    expect(result.candidates).toEqual([
      expect.objectContaining({ patientCode: '000777', firstName: 'Lucas' }),
    ]);
    expect(statusSeenByHospital).toEqual(['sent']);
    const row = await only();
    expect(row).toMatchObject({
      id: result.messageId,
      hospital_id: hospitalId,
      type: 'GET pdq',
      status: 'replied',
      http_status: 200,
      summary: { outcome: 'found', candidates: 1 },
    });
    expect(row.raw_out).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/pdq\/Patient\?identifier:of-type=/);
    expect(row.raw_out).toContain('authorization: Bearer [redacted]');
    expect(row.raw_out).not.toContain('very-secret-token');
    expect(row.raw_in).toContain('Lucas');
    expect(row.duration_ms).toEqual(expect.any(Number));
  });

  it('not found: journaled as replied with zero candidates, then PATIENT_NOT_FOUND_AT_HOSPITAL', async () => {
    answer = () => ({ status: 200, body: '{"total":0,"entry":[]}' });
    const error = await failure(service.lookup(hospitalId, connection(), { by: 'visitNumber', value: 'V1' }));
    expect(error.code).toBe('PATIENT_NOT_FOUND_AT_HOSPITAL');
    expect(await only()).toMatchObject({
      status: 'replied',
      summary: { outcome: 'not_found', candidates: 0 },
    });
  });

  it('hospital error: journaled as failed with the answer, error carries the hospital text', async () => {
    answer = () => ({ status: 500, body: '{"error":"Patient database offline"}' });
    const error = await failure(service.lookup(hospitalId, connection(), { by: 'patientCode', value: 'X' }));
    expect(error.code).toBe('HOSPITAL_ERROR');
    expect(error.details?.hospitalText).toBe('Patient database offline');
    expect(await only()).toMatchObject({
      status: 'failed',
      error: 'The hospital web service answered HTTP 500.',
      http_status: 500,
      raw_in: '{"error":"Patient database offline"}',
    });
  });

  it('timeout: HOSPITAL_TIMEOUT within the connection timeout, journaled as failed with no answer', async () => {
    answer = () => undefined;
    const started = Date.now();
    const error = await failure(
      service.lookup(hospitalId, connection({ timeoutMs: 300 }), { by: 'patientCode', value: 'X' }),
    );
    expect(error.code).toBe('HOSPITAL_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(1300);
    const row = await only();
    expect(row).toMatchObject({ status: 'failed', summary: { outcome: 'timeout' } });
    expect(row.raw_in).toBeNull();
  });

  it('keeps at most 64 KiB of an answer in the journal', async () => {
    const long = 'x'.repeat(RAW_IN_MAX_CHARS + 10);
    answer = () => ({ status: 500, body: long });
    await failure(service.lookup(hospitalId, connection(), { by: 'patientCode', value: 'X' }));
    const rawIn = (await only()).raw_in ?? '';
    expect(rawIn.startsWith('x'.repeat(RAW_IN_MAX_CHARS))).toBe(true);
    expect(rawIn).toContain('[truncated: 10 more characters]');
  });
});
