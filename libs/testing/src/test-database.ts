import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import {
  dataSourceOptions,
  dropDatabaseWithServiceRoles,
  openDataSource,
  withDatabase,
  type DatabaseModuleOptions,
} from '@bridge/database';

const TEST_DATABASE_PREFIX = 'bridge_test_';

/**
 * A fresh database per suite, so suites run in parallel without seeing each other's rows. Refuses to
 * work on anything not named like a test database: a mistyped URL must never reach real data.
 * `template`: a copy of that (test) database instead of an empty one — CREATE DATABASE ... TEMPLATE
 * copies files, far cheaper than running every migration again.
 */
export async function createTestDatabase(
  options: { template?: string } = {},
): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = testServerUrl();
  const name = `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
  if (options.template !== undefined && !options.template.startsWith(TEST_DATABASE_PREFIX))
    throw new Error(`Refusing to copy ${options.template}: not a test database`);
  const template = options.template ? ` TEMPLATE "${options.template}"` : '';
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"${template}`);
  return {
    url: withDatabase(serverUrl, name),
    drop: () => dropTestDatabase(serverUrl, name),
  };
}

function testServerUrl(): string {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl)
    throw new Error('TEST_DATABASE_URL is not set: run e2e suites through jest (global setup).');
  return serverUrl;
}

/**
 * A template database for createTestDatabase({template}), filled once per name on the test server by
 * `build(url)` from an empty database, whoever asks first: jest workers are processes, so a session
 * advisory lock serialises them. Only a build that finished marks the database a template.
 */
export async function testTemplateDatabase(
  name: string,
  build: (url: string) => Promise<void>,
): Promise<string> {
  if (!name.startsWith(TEST_DATABASE_PREFIX)) throw new Error(`Refusing ${name}: not a test database name`);
  const serverUrl = testServerUrl();
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    const built = await client.query('SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate', [
      name,
    ]);
    if (built.rowCount) return name;
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`); // a build that stopped half-way
    await client.query(`CREATE DATABASE "${name}"`);
    await build(withDatabase(serverUrl, name));
    await client.query(`ALTER DATABASE "${name}" WITH IS_TEMPLATE true`);
    return name;
  } finally {
    await client.end(); // and with it the lock
  }
}

async function dropTestDatabase(serverUrl: string, name: string): Promise<void> {
  if (!name.startsWith(TEST_DATABASE_PREFIX))
    throw new Error(`Refusing to drop ${name}: not a test database`);
  await dropDatabaseWithServiceRoles(withDatabase(serverUrl, 'postgres'), name);
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A DataSource on the database at `url` with one service's `migrations` run: a migration test opens the same
 * database twice, before its migration (to write rows as they were) and with it.
 */
export function openMigrated(
  url: string,
  schema: string,
  migrations: DatabaseModuleOptions['migrations'],
): Promise<DataSource> {
  return openDataSource(dataSourceOptions({ schema, url, entities: [], migrations }), schema);
}

/**
 * A fresh test database with one service's schema migrated (a medium test's usual start): its open
 * DataSource, and `drop`, which closes the DataSource before dropping the database.
 */
export async function migratedTestDatabase(
  schema: string,
  migrations: DatabaseModuleOptions['migrations'],
): Promise<{ url: string; dataSource: DataSource; drop(): Promise<void> }> {
  const database = await createTestDatabase();
  try {
    const dataSource = await openMigrated(database.url, schema, migrations);
    return {
      url: database.url,
      dataSource,
      drop: async () => {
        await dataSource.destroy();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
