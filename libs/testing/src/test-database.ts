import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dropServiceRoles, withDatabase } from '@bridge/database';

const TEST_DATABASE_PREFIX = 'bridge_test_';

/**
 * A fresh database per suite, so suites run in parallel without seeing each other's rows. Refuses to
 * work on anything not named like a test database: a mistyped URL must never reach real data.
 */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl)
    throw new Error('TEST_DATABASE_URL is not set: run e2e suites through jest (global setup).');
  const name = `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  return {
    url: withDatabase(serverUrl, name),
    drop: () => dropTestDatabase(serverUrl, name),
  };
}

async function dropTestDatabase(serverUrl: string, name: string): Promise<void> {
  if (!name.startsWith(TEST_DATABASE_PREFIX))
    throw new Error(`Refusing to drop ${name}: not a test database`);
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  // The services' roles of that database (the platform launcher made them); they own nothing any more.
  await dropServiceRoles(withDatabase(serverUrl, 'postgres'), name);
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
