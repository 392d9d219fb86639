import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { SERVICE_SCHEMAS, type DataService } from '@bridge/database';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const SERVICES = Object.keys(SERVICE_SCHEMAS) as DataService[];

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

/** The PostgreSQL error code a statement fails with, or 'ok'. */
async function outcome(client: Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/**
 * ARCHITECTURE.md: each service owns its schema. Each connects as its own role, not a superuser, owning
 * its schema only: a compromised service cannot read (or change) another service's tables.
 */
describe('Database roles', () => {
  let platform: TestPlatform;
  let admin: Client;
  /** One table of each service's schema, made by its migrations. */
  const tableOf = {} as Record<DataService, string>;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    admin = await connect(platform.databaseUrl);
    for (const service of SERVICES) {
      const { rows } = await admin.query<{ name: string }>(
        `SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 AND tablename <> 'migrations' ORDER BY 1 LIMIT 1`,
        [SERVICE_SCHEMAS[service]],
      );
      tableOf[service] = `${SERVICE_SCHEMAS[service]}."${rows[0].name}"`;
    }
  });
  afterAll(async () => {
    await admin?.end();
    await platform?.close();
  });

  it.each(SERVICES)('%s connects as a non-superuser that reaches its own schema only', async (service) => {
    const client = await connect(platform.serviceDatabaseUrls[service]);
    try {
      const { rows } = await client.query<{
        rolsuper: boolean;
        rolcreaterole: boolean;
        rolcreatedb: boolean;
        user: string;
      }>(
        `SELECT rolsuper, rolcreaterole, rolcreatedb, current_user AS user FROM pg_roles WHERE rolname = current_user`,
      );
      expect(rows[0]).toMatchObject({ rolsuper: false, rolcreaterole: false, rolcreatedb: false });
      expect(rows[0].user).not.toBe(new URL(platform.databaseUrl).username);
      // Its own tables: all of it.
      expect(await outcome(client, `SELECT count(*) FROM ${tableOf[service]}`)).toBe('ok');
      expect(
        await outcome(
          client,
          `CREATE TABLE ${SERVICE_SCHEMAS[service]}.role_probe (id int); DROP TABLE ${SERVICE_SCHEMAS[service]}.role_probe`,
        ),
      ).toBe('ok');
      // Every other service's: nothing (42501 insufficient_privilege).
      for (const other of SERVICES.filter((candidate) => candidate !== service)) {
        expect({ other, read: await outcome(client, `SELECT count(*) FROM ${tableOf[other]}`) }).toEqual({
          other,
          read: '42501',
        });
        expect({
          other,
          create: await outcome(client, `CREATE TABLE ${SERVICE_SCHEMAS[other]}.intruder (id int)`),
        }).toEqual({
          other,
          create: '42501',
        });
      }
      // No new schemas, nothing in public, no other database role to become.
      expect(await outcome(client, 'CREATE SCHEMA intruder')).toBe('42501');
      expect(await outcome(client, 'CREATE TABLE public.intruder (id int)')).toBe('42501');
      expect(await outcome(client, `SET ROLE "${new URL(platform.databaseUrl).username}"`)).toBe('42501');
    } finally {
      await client.end();
    }
  });

  // The suites' embedded server (test/setup/global-setup.ts); under test:infra the system server is used instead.
  const embeddedDir = process.env.BRIDGE_TEST_EMBEDDED_POSTGRES_DIR;
  (embeddedDir ? it : it.skip)(
    'the embedded PostgreSQL has a generated superuser password, stored 0600',
    async () => {
      const file = join(embeddedDir!, 'postgres-password');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const password = readFileSync(file, 'utf8').trim();
      expect(password.length).toBeGreaterThanOrEqual(24);
      const url = new URL(process.env.TEST_DATABASE_URL!);
      expect(decodeURIComponent(url.password)).toBe(password);
      url.password = 'bridge';
      const legacy = await connect(url.toString()).then(
        (client) => client.end().then(() => 'ok'),
        (error: { code?: string }) => error.code,
      );
      expect(legacy).toBe('28P01'); // invalid_password
    },
  );
});
