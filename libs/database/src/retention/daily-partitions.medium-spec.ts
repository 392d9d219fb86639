import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '@bridge/testing';
import { DataSource } from 'typeorm';
import {
  DAY_MS,
  defaultPartitionName,
  ensureDayPartitions,
  partitionName,
  PARTITIONS_AHEAD_DAYS,
  startOfUtcDay,
  utcDay,
} from './daily-partitions';
import { pruneJournal, type RetainedJournal } from './journal-retention';

/**
 * A journal whose partitions were not made ahead for a while (medium test, docs/testing.md): rows of a
 * coming day fell into the default partition, so that day's partition cannot be made. The day is left
 * there, and every other day is still made: the pass goes on instead of failing at that day, which left
 * every later day without a partition and all new rows in the default partition.
 */
describe('day partitions of a journal with rows in its default partition (PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  const journal: RetainedJournal = { schema: 'partitions_test', table: 'exchanges', bodyColumns: ['raw'] };
  const today = startOfUtcDay(new Date());
  const dayOn = (days: number) => new Date(today.getTime() + days * DAY_MS);

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: database.url });
    await dataSource.initialize();
    await dataSource.query(`CREATE SCHEMA partitions_test`);
    await dataSource.query(`
      CREATE TABLE partitions_test.exchanges (
        id uuid NOT NULL, hospital_id uuid NOT NULL, raw text, created_at timestamptz NOT NULL
      ) PARTITION BY RANGE (created_at)`);
    await dataSource.query(
      `CREATE TABLE partitions_test.${defaultPartitionName(journal)} PARTITION OF partitions_test.exchanges DEFAULT`,
    );
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  async function insert(at: Date): Promise<string> {
    const [row]: { partition: string }[] = await dataSource.query(
      `WITH added AS (
         INSERT INTO partitions_test.exchanges (id, hospital_id, raw, created_at) VALUES ($1, $2, 'MSH|', $3)
         RETURNING tableoid
       ) SELECT tableoid::regclass::text AS partition FROM added`,
      [randomUUID(), randomUUID(), new Date(at.getTime() + 3_600_000)],
    );
    return row.partition.replace(`${journal.schema}.`, '');
  }

  it('leaves the blocked day in the default partition and makes every other day', async () => {
    expect(await insert(dayOn(2))).toBe(defaultPartitionName(journal));

    const blocked = await ensureDayPartitions(dataSource, journal, today);

    expect(blocked).toEqual([utcDay(dayOn(2))]);
    for (let day = 0; day <= PARTITIONS_AHEAD_DAYS; day++) {
      if (day !== 2) expect(await insert(dayOn(day))).toBe(partitionName(journal, dayOn(day)));
    }
    expect(await insert(dayOn(2))).toBe(defaultPartitionName(journal));
  });

  it('prunes on and reports the blocked day instead of failing the retention pass', async () => {
    const report = await pruneJournal(dataSource, journal, {
      defaults: { messageBodiesDays: 30, messagesDays: 90 },
      hospitals: [],
    });

    expect(report.ran).toBe(true);
    expect(report.daysBlocked).toEqual([dayOn(2).toISOString().slice(0, 10)]);
  });
});
