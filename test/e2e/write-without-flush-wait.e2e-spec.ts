import { Client } from 'pg';
import { writeWithoutFlushWait } from '@bridge/database';
import { createTestDatabase } from '@bridge/testing';

/**
 * The relaxed commit of the pull-import path's journal and session writes (P3) rides in a CTE, which
 * PostgreSQL only evaluates when the statement reads it. Run inside an open transaction, the setting it
 * made is still visible afterwards: that shows the statement really switched its commit to not wait.
 */
describe('writeWithoutFlushWait', () => {
  let database: { url: string; drop(): Promise<void> };
  let client: Client;
  const onClient = () => ({
    query: async (sql: string, parameters: unknown[]) => (await client.query(sql, parameters)).rows,
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new Client({ connectionString: database.url });
    await client.connect();
    await client.query('CREATE TABLE journal (id uuid PRIMARY KEY, status text, at timestamptz)');
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  async function commitSettingAfter(write: () => Promise<unknown>): Promise<string> {
    await client.query('BEGIN');
    try {
      await write();
      return (await client.query<{ value: string }>(`SELECT current_setting('synchronous_commit') AS value`))
        .rows[0].value;
    } finally {
      await client.query('COMMIT');
    }
  }

  it('inserts with INSERT ... SELECT FROM relaxed_commit, typed by the target columns, and relaxes the commit', async () => {
    const id = '6f1c1a7e-8d4e-4f4b-9a53-1c2d3e4f5a6b';
    const setting = await commitSettingAfter(() =>
      writeWithoutFlushWait(
        onClient(),
        'INSERT INTO journal (id, status, at) SELECT $1, $2, $3 FROM relaxed_commit',
        [id, 'sent', new Date('2026-01-02T03:04:05Z')],
      ),
    );
    expect(setting).toBe('off');
    const { rows } = await client.query('SELECT status, at FROM journal WHERE id = $1', [id]);
    expect(rows).toEqual([{ status: 'sent', at: new Date('2026-01-02T03:04:05Z') }]);
    expect((await client.query(`SELECT current_setting('synchronous_commit') AS v`)).rows[0].v).toBe('on');
  });

  it('updates with UPDATE ... FROM relaxed_commit and relaxes the commit', async () => {
    const id = '0b7e3f52-3f0a-4f7e-8a61-2b3c4d5e6f70';
    await client.query(`INSERT INTO journal (id, status) VALUES ($1, 'sent')`, [id]);
    const setting = await commitSettingAfter(() =>
      writeWithoutFlushWait(onClient(), 'UPDATE journal SET status = $2 FROM relaxed_commit WHERE id = $1', [
        id,
        'replied',
      ]),
    );
    expect(setting).toBe('off');
    expect((await client.query('SELECT status FROM journal WHERE id = $1', [id])).rows).toEqual([
      { status: 'replied' },
    ]);
  });

  it('refuses a statement that never reads the CTE (its commit would silently wait)', async () => {
    await expect(
      writeWithoutFlushWait(onClient(), `INSERT INTO journal (id) VALUES (gen_random_uuid())`, []),
    ).rejects.toThrow(/FROM relaxed_commit/);
  });
});
