import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * Cursor pagination of the patient list and the message log: rows that share a timestamp (to the
 * microsecond) are neither repeated nor skipped across pages, rows written while a reader pages do not
 * shift the pages, a cursor is opaque and checked, and page sizes are bounded.
 */
describe('cursor pages (GET /v1/patients, GET /v1/admin/messages)', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let database: Client;
  type Hospital = Awaited<ReturnType<Api['createHospital']>>;
  let hospital: Hospital;
  let other: Hospital;

  /** Every page from `from` (else the first), following nextCursor, as the ids of each page. */
  async function allPages(
    path: string,
    token: string,
    key: 'patients' | 'messages',
    from?: string,
  ): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor = from;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page = await api.expect(
        200,
        'GET',
        `${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token },
      );
      pages.push(page[key].map((row: { id: string }) => row.id));
      cursor = page.nextCursor;
      expect(pages.length).toBeLessThan(50);
    } while (cursor);
    return pages;
  }

  async function pushPatient(target: Hospital, patientCode: string): Promise<string> {
    const patient = await api.expect(201, 'POST', '/v1/patients', {
      token: target.token,
      body: { patientCode, firstName: 'Page', lastName: patientCode },
    });
    return patient.id;
  }

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
    database = new Client({ connectionString: platform.databaseUrl });
    await database.connect();
    hospital = await api.createHospital('pages-main');
    other = await api.createHospital('pages-other');
  });

  afterAll(async () => {
    await database?.end();
    await platform?.close();
  });

  it('pages patients newest first without overlap or gaps, with ties on updated_at', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 7; index++) ids.push(await pushPatient(hospital, `PG${index}`));
    await pushPatient(other, 'PG-OTHER');
    // Five patients share one updated_at to the microsecond: only the id orders them.
    await database.query(
      `UPDATE patient_import.patients SET updated_at = '2026-06-01T08:00:00.123456Z' WHERE id = ANY($1::uuid[])`,
      [ids.slice(1, 6)],
    );

    const pages = await allPages('/v1/patients?limit=2', hospital.token, 'patients');
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1]);
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...ids].sort());
    // The tied five come in descending id order, after the two newer ones.
    const tied = seen.filter((id) => ids.slice(1, 6).includes(id));
    expect(tied).toEqual([...ids.slice(1, 6)].sort().reverse());
    expect(seen.slice(0, 2).sort()).toEqual([ids[0], ids[6]].sort());
  });

  it('keeps the pages still to read when patients are added while paging, and stays in the hospital', async () => {
    const first = await api.expect(200, 'GET', '/v1/patients?limit=3', { token: hospital.token });
    const before = await allPages('/v1/patients?limit=100', hospital.token, 'patients');
    const added = await pushPatient(hospital, 'PG-NEW');
    const rest = await allPages('/v1/patients?limit=3', hospital.token, 'patients', first.nextCursor);
    const read = [...first.patients.map((p: { id: string }) => p.id), ...rest.flat()];
    expect(read).toEqual(before.flat());
    expect(read).not.toContain(added);

    // A cursor is a position, not a licence: another hospital's token sees only its own patients.
    const elsewhere = await api.expect(
      200,
      'GET',
      `/v1/patients?cursor=${encodeURIComponent(first.nextCursor)}`,
      { token: other.token },
    );
    expect(elsewhere.patients.every((p: { hospitalId: string }) => p.hospitalId === other.id)).toBe(true);
    expect(elsewhere.nextCursor).toBeUndefined();
  });

  it('refuses a cursor it did not give and a page size over the bound, as problem+json', async () => {
    const forged = Buffer.from('yesterday|not-an-id').toString('base64url');
    for (const cursor of [forged, 'not-a-cursor']) {
      const refused = await api.request('GET', `/v1/patients?cursor=${cursor}`, { token: hospital.token });
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.code).toBe('INVALID_CURSOR');
    }
    const tooMany = await api.request('GET', '/v1/patients?limit=201', { token: hospital.token });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.code).toBe('VALIDATION_FAILED');
    const offset = await api.request('GET', '/v1/patients?offset=2', { token: hospital.token });
    expect(offset.status).toBe(400);
  });

  it('pages the message log across journals without overlap or gaps, with ties on created_at', async () => {
    const hl7 = Array.from({ length: 4 }, () => randomUUID());
    const web = Array.from({ length: 3 }, () => randomUUID());
    // Journals are partitioned by day and today's partition exists: the tie is placed a second ago, hl7
    // and web-service rows at the very same microsecond.
    const { rows } = await database.query<{ at: string }>(
      `SELECT to_char((date_trunc('second', now()) - interval '1 second' + interval '123456 microseconds')
                      AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at`,
    );
    const { at } = rows[0];
    for (const id of hl7) {
      await database.query(
        `INSERT INTO hl7_gateway.messages (id, hospital_id, channel, direction, type, status, started_at, created_at)
         VALUES ($1, $2, 'a19', 'outbound', 'QRY^A19', 'replied', $3, $3)`,
        [id, hospital.id, at],
      );
    }
    for (const id of web) {
      await database.query(
        `INSERT INTO patient_import.messages (id, hospital_id, channel, direction, type, status, created_at)
         VALUES ($1, $2, 'webservice', 'outbound', 'GET', 'replied', $3)`,
        [id, hospital.id, at],
      );
    }

    const path = `/v1/admin/messages?hospitalId=${hospital.id}&limit=2`;
    const pages = await allPages(path, admin, 'messages');
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...hl7, ...web].sort());
    expect(seen).toEqual([...hl7, ...web].sort().reverse());
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1]);

    // A message journaled while paging is newer than every position read: it never enters later pages.
    const first = await api.expect(200, 'GET', path, { token: admin });
    await database.query(
      `INSERT INTO hl7_gateway.messages (id, hospital_id, channel, direction, type, status, started_at)
       VALUES ($1, $2, 'a19', 'outbound', 'QRY^A19', 'replied', now())`,
      [randomUUID(), hospital.id],
    );
    const rest = await allPages(path, admin, 'messages', first.nextCursor);
    expect([...first.messages.map((m: { id: string }) => m.id), ...rest.flat()]).toEqual(seen);
  });

  it('refuses a bad message-log cursor and a page size over the bound', async () => {
    const forged = Buffer.from('2026-06-01T08:00:00Z|x').toString('base64url');
    const refused = await api.request('GET', `/v1/admin/messages?cursor=${forged}`, { token: admin });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('INVALID_CURSOR');
    const tooMany = await api.request('GET', '/v1/admin/messages?limit=501', { token: admin });
    expect(tooMany.status).toBe(400);
  });
});
