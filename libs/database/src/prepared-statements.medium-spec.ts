import { createTestDatabase } from '@bridge/testing';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './database.module';
import { MAX_PREPARED_PER_CONNECTION } from './prepared-statements';

/**
 * The services' DataSource prepares each parameterised statement once per connection (issue 17), on a real
 * PostgreSQL: what is prepared, what is not, and that a prepared statement survives what happens to a
 * table under it.
 */
describe('prepared statements (PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  /** A one-connection DataSource shaped as the services open theirs, so every query shares a session. */
  async function open(preparedStatements?: boolean): Promise<DataSource> {
    const options = dataSourceOptions({
      schema: 'public',
      url: database.url,
      poolSize: 1,
      preparedStatements,
      entities: [],
      migrations: [],
    });
    return new DataSource(options).initialize();
  }

  const preparedTexts = async (dataSource: DataSource): Promise<string[]> =>
    (
      (await dataSource.query('SELECT statement FROM pg_prepared_statements ORDER BY prepare_time')) as {
        statement: string;
      }[]
    ).map((row) => row.statement);

  it('prepares a parameterised statement once and reuses it; statements given no values stay plain', async () => {
    const dataSource = await open();
    try {
      for (let i = 0; i < 3; i++) {
        expect(await dataSource.query('SELECT $1::int + 1 AS next', [i])).toEqual([{ next: i + 1 }]);
      }
      await dataSource.query('SELECT 41 + 1 AS plain');
      expect(await preparedTexts(dataSource)).toEqual(['SELECT $1::int + 1 AS next']);
    } finally {
      await dataSource.destroy();
    }
  });

  it("prepares a statement of a caller that passes a callback (pg-pool's own query), and answers its errors too", async () => {
    const dataSource = await open();
    try {
      const pool = (dataSource.driver as unknown as { master: Pool }).master;
      for (let i = 0; i < 2; i++) {
        expect((await pool.query('SELECT $1::int * 2 AS twice', [i + 1])).rows).toEqual([
          { twice: 2 * (i + 1) },
        ]);
      }
      expect(await preparedTexts(dataSource)).toEqual(['SELECT $1::int * 2 AS twice']);
      // Last: pg-pool closes a connection whose query failed, and with it the session's prepared statements.
      await expect(pool.query('SELECT id FROM no_such_rows WHERE id = $1', [1])).rejects.toMatchObject({
        code: '42P01',
      });
    } finally {
      await dataSource.destroy();
    }
  });

  it('prepares a fixed text given an empty values array, unless it holds several statements', async () => {
    const dataSource = await open();
    try {
      for (let i = 0; i < 2; i++) {
        expect(await dataSource.query('SELECT 40 + 2 AS probed', [])).toEqual([{ probed: 42 }]);
      }
      await dataSource.query('CREATE TABLE probed_rows (id int); INSERT INTO probed_rows VALUES (1)', []);
      expect(await dataSource.query('SELECT count(*)::int AS n FROM probed_rows')).toEqual([{ n: 1 }]);
      expect(await preparedTexts(dataSource)).toEqual(['SELECT 40 + 2 AS probed']);
    } finally {
      await dataSource.destroy();
    }
  });

  it('prepares nothing with DATABASE_PREPARED_STATEMENTS=false', async () => {
    const dataSource = await open(false);
    try {
      expect(await dataSource.query('SELECT $1::text AS echoed', ['x'])).toEqual([{ echoed: 'x' }]);
      expect(await preparedTexts(dataSource)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });

  it(`keeps at most ${MAX_PREPARED_PER_CONNECTION} statements per connection and runs the rest plainly`, async () => {
    const dataSource = await open();
    try {
      for (let i = 0; i < MAX_PREPARED_PER_CONNECTION + 5; i++) {
        expect(await dataSource.query(`SELECT $1::int AS n${i}`, [i])).toEqual([{ [`n${i}`]: i }]);
      }
      expect(await preparedTexts(dataSource)).toHaveLength(MAX_PREPARED_PER_CONNECTION);
    } finally {
      await dataSource.destroy();
    }
  });

  it('runs again after a failed statement, after an aborted transaction and after the table changed', async () => {
    const dataSource = await open();
    try {
      await dataSource.query('CREATE TABLE prepared_rows (id int PRIMARY KEY, label text)');
      const insert = 'INSERT INTO prepared_rows (id, label) VALUES ($1, $2) RETURNING id, label';
      await dataSource.query(insert, [1, 'one']);
      await expect(dataSource.query(insert, [1, 'again'])).rejects.toMatchObject({ code: '23505' });
      await expect(
        dataSource.query('SELECT nosuchcolumn FROM prepared_rows WHERE id = $1', [1]),
      ).rejects.toMatchObject({ code: '42703' });

      await expect(
        dataSource.transaction(async (manager) => {
          await manager.query(insert, [2, 'two']);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');

      // A migration adds a column under the prepared statement: PostgreSQL plans it again.
      await dataSource.query('ALTER TABLE prepared_rows ADD COLUMN note text');
      expect(await dataSource.query(insert, [3, 'three'])).toEqual([{ id: 3, label: 'three' }]);
      expect(
        await dataSource.query('SELECT id FROM prepared_rows WHERE id = ANY($1::int[]) ORDER BY id', [
          [1, 2, 3],
        ]),
      ).toEqual([{ id: 1 }, { id: 3 }]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('prepares a statement anew once a migration changed the columns it returns', async () => {
    const dataSource = await open();
    try {
      await dataSource.query('CREATE TABLE widened_rows (id int PRIMARY KEY)');
      await dataSource.query('INSERT INTO widened_rows VALUES (1)');
      const everything = 'SELECT * FROM widened_rows WHERE id = $1';
      expect(await dataSource.query(everything, [1])).toEqual([{ id: 1 }]);
      await dataSource.query('ALTER TABLE widened_rows ADD COLUMN label text');
      // PostgreSQL refuses the old prepared statement once; the client then prepares the text again.
      await expect(dataSource.query(everything, [1])).rejects.toMatchObject({ code: '0A000' });
      expect(await dataSource.query(everything, [1])).toEqual([{ id: 1, label: null }]);
    } finally {
      await dataSource.destroy();
    }
  });
});
