import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The services that own data, by their schema (each service reads and writes its own only). */
export const SERVICE_SCHEMAS = {
  'user-provisioning': 'user_provisioning',
  'patient-import': 'patient_import',
  'hl7-gateway': 'hl7_gateway',
  'siu-ingestor': 'siu_ingestor',
  notifier: 'notifier',
} as const;
export type DataService = keyof typeof SERVICE_SCHEMAS;

/**
 * The role a service logs in as: `<database>_<schema>`. Roles are cluster-wide, so the database name is
 * part of it: several databases on one server (test suites) never share or reset each other's roles.
 * docker/postgres-init/10-service-roles.sh follows the same rule.
 */
export function serviceRoleName(database: string, service: DataService): string {
  const role = `${database}_${SERVICE_SCHEMAS[service]}`;
  // PostgreSQL would cut a longer name to 63 bytes, and two services could end up sharing one role.
  if (role.length > 63)
    throw new Error(`Database name ${database} is too long for service roles (<database>_<schema> > 63)`);
  return role;
}

/**
 * Bootstrap with the admin (superuser) URL: each data service gets a login role that is not a superuser,
 * owns its schema (and everything already in it, for databases made before roles) and nothing else, with
 * a fresh password set on every call. A compromised service then cannot read another service's tables.
 * Answers each service's own URL. Only the launcher that holds the admin URL calls this.
 */
export async function provisionServiceRoles(adminUrl: string): Promise<Record<DataService, string>> {
  const database = decodeURIComponent(new URL(adminUrl).pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(database))
    throw new Error(`Refusing unusual database name ${JSON.stringify(database)}`);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  const urls = {} as Record<DataService, string>;
  try {
    // Roles are cluster-wide and CREATE ROLE has no IF NOT EXISTS: launchers starting together are serialised.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`service-roles:${database}`]);
    // Nobody but the owners creates anything here; a service role only reaches the schema it owns.
    await client.query(`REVOKE ALL ON DATABASE "${database}" FROM PUBLIC`);
    await client.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    for (const service of Object.keys(SERVICE_SCHEMAS) as DataService[]) {
      const schema = SERVICE_SCHEMAS[service];
      const role = serviceRoleName(database, service);
      const password = randomBytes(24).toString('base64url');
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      // The password is a literal in the statement (roles take no bind parameters); it is base64url only.
      const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS PASSWORD '${password}'`;
      await client.query(
        exists.rowCount ? `ALTER ROLE "${role}" ${attributes}` : `CREATE ROLE "${role}" ${attributes}`,
      );
      await client.query(`GRANT CONNECT ON DATABASE "${database}" TO "${role}"`);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}" AUTHORIZATION "${role}"`);
      await client.query(`ALTER SCHEMA "${schema}" OWNER TO "${role}"`);
      await client.query(`REVOKE ALL ON SCHEMA "${schema}" FROM PUBLIC`);
      // Tables, sequences and views made by the admin role before (databases older than service roles).
      const owned = await client.query<{ kind: string; name: string }>(
        `SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS kind,
                c.relname AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'S', 'v', 'm') AND pg_get_userbyid(c.relowner) <> $2
           AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))`,
        [schema, role],
      );
      for (const relation of owned.rows) {
        await client.query(`ALTER ${relation.kind} "${schema}"."${relation.name}" OWNER TO "${role}"`);
      }
      const url = new URL(adminUrl);
      url.username = role;
      url.password = password;
      urls[service] = url.toString();
    }
  } finally {
    await client
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`service-roles:${database}`])
      .catch(() => undefined);
    await client.end();
  }
  return urls;
}

/** Whether the URL's role may create roles (a superuser, or CREATEROLE): the launcher's bootstrap needs it. */
export async function canProvisionRoles(adminUrl: string): Promise<boolean> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ ok: boolean }>(
      'SELECT rolsuper AS ok FROM pg_roles WHERE rolname = current_user',
    );
    return rows[0]?.ok === true;
  } finally {
    await client.end();
  }
}

/**
 * Drops a database (its sessions closed) and then the service roles the platform launcher made for it: they
 * own nothing once it is gone. How test and benchmark databases go.
 */
export async function dropDatabaseWithServiceRoles(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    for (const service of Object.keys(SERVICE_SCHEMAS) as DataService[]) {
      await client.query(`DROP ROLE IF EXISTS "${serviceRoleName(database, service)}"`);
    }
  } finally {
    await client.end();
  }
}
