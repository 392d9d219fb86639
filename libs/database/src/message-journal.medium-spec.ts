import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '@bridge/testing';
import { DataSource } from 'typeorm';
import { MessageJournal, type MessageLogTable } from './message-journal';
import { ensureDayPartition } from './retention/daily-partitions';
import { toMessageView, type MessageLogRow } from './sql-conditions';

/**
 * The journal code the HL7, web-service and SIU repositories share, on a real PostgreSQL table shaped like
 * theirs (medium test, docs/testing.md). Each repository's own columns are covered by its service's tests.
 */
describe('MessageJournal (PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  const exchanges: MessageLogTable = {
    schema: 'journal_test',
    table: 'exchanges',
    logColumns: 'id, hospital_id, channel, direction, type, status, error, duration_ms, created_at',
    touchedColumn: 'updated_at',
  };
  const inbound: MessageLogTable = {
    schema: 'journal_test',
    table: 'inbound',
    logColumns: `id, hospital_id, channel, 'inbound' AS direction, type, status, NULL AS error,
      NULL::int AS duration_ms, created_at`,
    onlyDirection: 'inbound',
  };
  const hospitalA = randomUUID();
  const hospitalB = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: database.url });
    await dataSource.initialize();
    await dataSource.query(`CREATE SCHEMA journal_test`);
    await dataSource.query(`
      CREATE TABLE journal_test.exchanges (
        id uuid PRIMARY KEY, hospital_id uuid NOT NULL, channel text NOT NULL, direction text NOT NULL,
        type text NOT NULL, status text NOT NULL, error text, raw_in text, summary jsonb NOT NULL DEFAULT '{}',
        finished_at timestamptz, duration_ms integer, created_at timestamptz NOT NULL, updated_at timestamptz
      )`);
    await dataSource.query(`
      CREATE TABLE journal_test.inbound (
        id uuid PRIMARY KEY, hospital_id uuid NOT NULL, channel text NOT NULL, type text NOT NULL,
        status text NOT NULL, created_at timestamptz NOT NULL
      )`);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  /** A row written by `append`, as the repositories write theirs. */
  async function exchange(row: {
    hospitalId: string;
    direction: string;
    status: string;
    minute: number;
  }): Promise<string> {
    const id = randomUUID();
    await new MessageJournal(dataSource, exchanges).append({
      id,
      hospital_id: row.hospitalId,
      channel: 'a19',
      direction: row.direction,
      type: 'QRY^A19',
      status: row.status,
      summary: { outcome: 'pending' },
      created_at: new Date(Date.UTC(2026, 3, 1, 10, row.minute)),
    });
    return id;
  }

  /** The columns of hospital A's query row as sent, written at `createdAt`. */
  const sentQuery = (id: string, createdAt: string) => ({
    id,
    hospital_id: hospitalA,
    channel: 'a19',
    direction: 'outbound',
    type: 'QRY^A19',
    status: 'sent',
    created_at: createdAt,
  });

  it('lists newest first with the message-log filters and a limit', async () => {
    const journal = new MessageJournal(dataSource, exchanges);
    const first = await exchange({
      hospitalId: hospitalA,
      direction: 'outbound',
      status: 'replied',
      minute: 1,
    });
    const second = await exchange({
      hospitalId: hospitalA,
      direction: 'inbound',
      status: 'failed',
      minute: 2,
    });
    const third = await exchange({
      hospitalId: hospitalA,
      direction: 'outbound',
      status: 'failed',
      minute: 3,
    });
    await exchange({ hospitalId: hospitalB, direction: 'outbound', status: 'failed', minute: 4 });
    const ids = async (filters: object) =>
      (await journal.list<MessageLogRow>({ hospitalId: hospitalA, ...filters })).map((row) => row.id);
    expect(await ids({})).toEqual([third, second, first]);
    expect(await ids({ limit: 2 })).toEqual([third, second]);
    expect(await ids({ status: 'failed' })).toEqual([third, second]);
    expect(await ids({ direction: 'outbound', status: 'failed' })).toEqual([third]);
    expect(await ids({ from: '2026-04-01T10:02:00Z', to: '2026-04-01T10:02:59Z' })).toEqual([second]);
    expect(await ids({ channel: 'webservice' })).toEqual([]);
  });

  it('finishes a row of its hospital only: values, JSON, times, absent values as NULL, and the touched column', async () => {
    const journal = new MessageJournal(dataSource, exchanges);
    const id = await exchange({ hospitalId: hospitalA, direction: 'outbound', status: 'sent', minute: 5 });
    await journal.update({ hospitalId: hospitalB, id }, { status: 'replied' });
    const finishedAt = new Date('2026-04-01T10:05:01.250Z');
    await journal.update(
      { hospitalId: hospitalA, id },
      {
        status: 'failed',
        error: 'The hospital answered AR.',
        raw_in: undefined,
        summary: { outcome: 'error', candidates: 0 },
        finished_at: finishedAt,
        duration_ms: 1250,
      },
    );
    const row = await journal.find<
      MessageLogRow & { raw_in: string | null; summary: unknown; finished_at: Date; updated_at: Date | null }
    >(id, 'raw_in, summary, finished_at, updated_at');
    expect(row).toMatchObject({
      status: 'failed',
      error: 'The hospital answered AR.',
      raw_in: null,
      summary: { outcome: 'error', candidates: 0 },
      finished_at: finishedAt,
      duration_ms: 1250,
      updated_at: expect.any(Date),
    });
    expect(toMessageView(row!)).toMatchObject({ id, status: 'failed', durationMs: 1250 });
    expect(await journal.find(randomUUID(), 'raw_in')).toBeUndefined();
  });

  it('finds the row by the created_at append answered, to the microsecond, and no other', async () => {
    const journal = new MessageJournal(dataSource, exchanges);
    const id = randomUUID();
    const written = await journal.append(sentQuery(id, '2026-04-01 10:07:00.123456+00'));
    // A table without partitions: its rows have none to name.
    expect(written).toEqual({ createdAt: '2026-04-01 10:07:00.123456+00' });
    // A Date would have kept 10:07:00.123 and missed the row.
    await journal.update(
      { hospitalId: hospitalA, id, createdAt: '2026-04-01 10:07:00.123+00' },
      { status: 'failed' },
    );
    expect(await journal.find(id, 'summary')).toMatchObject({ status: 'sent' });
    await journal.update({ hospitalId: hospitalA, id, ...written }, { status: 'replied' });
    expect(await journal.find(id, 'summary')).toMatchObject({ status: 'replied' });
  });

  /**
   * A journal partitioned as the services' are: a default partition, the day partition of 2026-04-02, and
   * `<table>_extra` for 2026-05-01, a name daily-partitions.ts does not make.
   */
  async function partitionedJournal(table: string): Promise<MessageJournal> {
    const journal: MessageLogTable = { ...exchanges, table };
    await dataSource.query(`
      CREATE TABLE journal_test.${table} (LIKE journal_test.exchanges INCLUDING DEFAULTS, PRIMARY KEY (id, created_at))
      PARTITION BY RANGE (created_at)`);
    await dataSource.query(
      `CREATE TABLE journal_test.${table}_default PARTITION OF journal_test.${table} DEFAULT`,
    );
    await ensureDayPartition(dataSource, journal, new Date('2026-04-02T00:00:00Z'));
    await dataSource.query(`
      CREATE TABLE journal_test.${table}_extra PARTITION OF journal_test.${table}
      FOR VALUES FROM ('2026-05-01') TO ('2026-05-02')`);
    return new MessageJournal(dataSource, journal);
  }

  it('changes a row of a partitioned journal in the partition that took it, and answers no name it would not make', async () => {
    const journal = await partitionedJournal('daily');
    const [inDay, inDefault, inOther, inBatch] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const day = await journal.append(sentQuery(inDay, '2026-04-02 08:00:00.5+00'));
    const fallback = await journal.append(sentQuery(inDefault, '2026-04-09 08:00:00+00'));
    const other = await journal.append(sentQuery(inOther, '2026-05-01 08:00:00+00'));
    const [batch] = await journal.appendEachIf(
      [{ columns: sentQuery(inBatch, '2026-04-02 09:00:00+00'), check: 1 }],
      'true',
    );
    expect([day, fallback, other, batch]).toEqual([
      { createdAt: '2026-04-02 08:00:00.5+00', partition: 'daily_p20260402' },
      { createdAt: '2026-04-09 08:00:00+00', partition: 'daily_default' },
      { createdAt: '2026-05-01 08:00:00+00' },
      { createdAt: '2026-04-02 09:00:00+00', partition: 'daily_p20260402' },
    ]);

    const statements = jest.spyOn(dataSource, 'query');
    await journal.update({ hospitalId: hospitalB, id: inDay, ...day }, { status: 'not mine' });
    expect(await journal.find(inDay, 'updated_at')).toMatchObject({ status: 'sent', updated_at: null });
    await journal.update({ hospitalId: hospitalA, id: inDay, ...day }, { status: 'replied' });
    await journal.update({ hospitalId: hospitalA, id: inDefault, ...fallback }, { status: 'replied' });
    await journal.update({ hospitalId: hospitalA, id: inOther, ...other }, { status: 'replied' });
    // A batch of one change is one plain UPDATE on the row's partition.
    await journal.updateEach([
      { row: { hospitalId: hospitalA, id: inBatch, ...batch! }, columns: { status: 'replied' } },
    ]);
    const updated = statements.mock.calls.map(([sql]) => /^UPDATE (\S+)/.exec(sql.trim())?.[1]);
    expect(updated.filter(Boolean)).toEqual([
      'journal_test.daily_p20260402',
      'journal_test.daily_p20260402',
      'journal_test.daily_default',
      'journal_test.daily',
      'journal_test.daily_p20260402',
    ]);
    statements.mockRestore();
    for (const id of [inDay, inDefault, inOther, inBatch]) {
      expect(await journal.find(id, 'updated_at')).toMatchObject({
        status: 'replied',
        updated_at: expect.any(Date),
      });
    }
  });

  it('finds a row written shortly before a given moment in the partitions of that day alone', async () => {
    const journal = await partitionedJournal('linked');
    const [early, late] = [randomUUID(), randomUUID()];
    await journal.append(sentQuery(early, '2026-04-02 08:00:00.5+00'));
    await journal.append(sentQuery(late, '2026-04-02 08:00:00.9+00'));
    const statements = jest.spyOn(dataSource, 'query');
    // A row written a little after the moment given (a Date is cut to the millisecond) is still found.
    await journal.update(
      { hospitalId: hospitalA, id: late, writtenBy: new Date('2026-04-02T08:00:00.850Z') },
      { status: 'replied' },
    );
    // More than a day before the moment given: outside the window, not changed.
    await journal.update(
      { hospitalId: hospitalA, id: early, writtenBy: new Date('2026-04-03T08:00:00.600Z') },
      { status: 'replied' },
    );
    const [sql, values] = statements.mock.calls[0] as [string, unknown[]];
    statements.mockRestore();
    expect(await journal.find(late, 'summary')).toMatchObject({ status: 'replied' });
    expect(await journal.find(early, 'summary')).toMatchObject({ status: 'sent' });
    // PostgreSQL plans the statement over the partitions that can hold that day only.
    const plan = (await dataSource.query(`EXPLAIN (COSTS OFF) ${sql}`, values)) as { 'QUERY PLAN': string }[];
    const partitions = plan.map((line) => /Update on (\w+)/.exec(line['QUERY PLAN'])?.[1]).filter(Boolean);
    expect(partitions).toEqual(['linked', 'linked_p20260402', 'linked_default']);
  });

  it('writes and changes rows in the caller transaction when given its manager', async () => {
    const journal = new MessageJournal(dataSource, exchanges);
    const kept = await exchange({ hospitalId: hospitalA, direction: 'outbound', status: 'sent', minute: 6 });
    const lost = randomUUID();
    await expect(
      dataSource.transaction(async (manager) => {
        await journal.append(
          {
            id: lost,
            hospital_id: hospitalA,
            channel: 'a19',
            direction: 'inbound',
            type: 'SIU^S12',
            status: 'received',
            raw_in: undefined,
            created_at: new Date(),
          },
          manager,
        );
        await journal.update({ hospitalId: hospitalA, id: kept }, { status: 'replied' }, manager);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await journal.find(lost, 'raw_in')).toBeUndefined();
    expect(await journal.find(kept, 'summary')).toMatchObject({
      status: 'sent',
      summary: { outcome: 'pending' },
    });
  });

  it('appends many rows in one statement, each only while its condition holds, and finishes many by their created_at', async () => {
    const journal = new MessageJournal(dataSource, exchanges);
    await dataSource.query(
      `CREATE TABLE IF NOT EXISTS journal_test.versions (hospital_id uuid PRIMARY KEY, version int)`,
    );
    await dataSource.query(`INSERT INTO journal_test.versions VALUES ($1, 7), ($2, 3)`, [
      hospitalA,
      hospitalB,
    ]);
    const statements = jest.spyOn(dataSource, 'query');
    const [first, stale, second, third] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const row = (id: string, hospitalId: string, rawIn: string, minute: number) => ({
      id,
      hospital_id: hospitalId,
      channel: 'a19',
      direction: 'outbound',
      type: 'QRY^A19',
      status: 'sent',
      raw_in: rawIn,
      summary: { outcome: 'pending', note: 'a "quoted" é' },
      created_at: `2026-04-01 10:${minute}:00.654321+00`,
    });
    const body = 'MSH|^~\\&|\rPID|1||é"\\x\r';
    const written = await journal.appendEachIf(
      [
        { columns: row(first, hospitalA, body, 10), check: 7 },
        { columns: row(stale, hospitalB, body, 11), check: 2 },
        { columns: row(second, hospitalA, 'second', 12), check: 7 },
        { columns: row(third, hospitalA, 'third', 10), check: 7 },
      ],
      `EXISTS (SELECT 1 FROM journal_test.versions v
               WHERE v.hospital_id = r.hospital_id AND v.version = (entry->>'check')::int)`,
    );
    const createdAt = written.map((row) => row?.createdAt);
    expect(createdAt).toEqual([
      '2026-04-01 10:10:00.654321+00',
      undefined,
      '2026-04-01 10:12:00.654321+00',
      '2026-04-01 10:10:00.654321+00',
    ]);
    expect(await journal.find(stale, 'raw_in')).toBeUndefined();
    expect(await journal.find(first, 'raw_in, summary')).toMatchObject({
      status: 'sent',
      raw_in: body,
      summary: { outcome: 'pending', note: 'a "quoted" é' },
    });

    const finishedAt = new Date('2026-04-01T10:10:01.500Z');
    await journal.updateEach([
      {
        row: { hospitalId: hospitalA, id: first, createdAt: createdAt[0]! },
        columns: {
          status: 'replied',
          error: undefined,
          summary: { outcome: 'found' },
          finished_at: finishedAt,
        },
      },
      {
        row: { hospitalId: hospitalA, id: second, createdAt: createdAt[2]! },
        columns: { status: 'failed', error: 'AR', summary: { outcome: 'error' }, finished_at: finishedAt },
      },
      // Another hospital's id, and a created_at off by a millisecond (of a row whose own created_at the
      // statement does name, through `first`): neither row changes.
      {
        row: { hospitalId: hospitalB, id: first, createdAt: createdAt[0]! },
        columns: { status: 'failed', error: 'not mine', summary: {}, finished_at: finishedAt },
      },
      {
        row: { hospitalId: hospitalA, id: third, createdAt: '2026-04-01 10:10:00.655+00' },
        columns: { status: 'replied', error: 'wrong row', summary: {}, finished_at: finishedAt },
      },
    ]);
    // One INSERT for the three rows, one UPDATE for the four changes (the reads between are the test's).
    expect(statements.mock.calls.map(([sql]) => sql.trim().split(' ')[0])).toEqual([
      'INSERT',
      'SELECT',
      'SELECT',
      'UPDATE',
    ]);
    const detail = 'raw_in, summary, finished_at, updated_at';
    expect(await journal.find(first, detail)).toMatchObject({
      status: 'replied',
      error: null,
      raw_in: body,
      summary: { outcome: 'found' },
      finished_at: finishedAt,
      updated_at: expect.any(Date),
    });
    expect(await journal.find(second, detail)).toMatchObject({
      status: 'failed',
      error: 'AR',
      summary: { outcome: 'error' },
    });
    expect(await journal.find(third, detail)).toMatchObject({
      status: 'sent',
      error: null,
      updated_at: null,
    });
    statements.mockRestore();
  });

  it('a journal of one direction answers a filter on the other with nothing, and on its own with every row', async () => {
    const journal = new MessageJournal(dataSource, inbound);
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO journal_test.inbound (id, hospital_id, channel, type, status, created_at)
       VALUES ($1, $2, 'siu-mllp', 'SIU^S12', 'received', now())`,
      [id, hospitalA],
    );
    const list = (direction?: 'inbound' | 'outbound') =>
      journal.list<MessageLogRow>({ hospitalId: hospitalA, ...(direction ? { direction } : {}) });
    expect((await list('inbound')).map((row) => [row.id, row.direction])).toEqual([[id, 'inbound']]);
    expect(await list('outbound')).toEqual([]);
    expect((await list()).map((row) => row.id)).toEqual([id]);
  });
});
