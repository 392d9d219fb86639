import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { packagedBinariesDir, startEmbeddedPostgres } from './embedded-postgres';

// The case a newcomer meets: root (a container, a fresh VM) with the clone in a 0700 home folder. As root the
// server runs as another account, which cannot traverse that folder. As any other user the server runs as
// that user, who can enter their own folders, so there is nothing to reproduce.
const asRoot = userInfo().uid === 0 ? describe : describe.skip;

asRoot('embedded PostgreSQL as root, with the clone in a 0700 folder', () => {
  jest.setTimeout(120_000);
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'embedded-pg-0700-'));
    // mkdtemp makes a 0700 folder: open it, so that only the folder made 0700 below is out of reach.
    chmodSync(work, 0o755);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("starts with its binaries and data folder out of the server account's reach, and keeps its data", async () => {
    const home = join(work, 'home');
    mkdirSync(home, { mode: 0o700 });
    // What `npm install` leaves in a clone under that home: the distribution inside node_modules.
    const binariesDir = join(home, 'careflow', 'node_modules', 'native');
    cpSync(packagedBinariesDir(), binariesDir, { recursive: true, verbatimSymlinks: true });
    const dataDir = join(home, 'careflow', '.data');
    const reachableRoot = join(work, 'reachable');

    const first = await startEmbeddedPostgres({ dataDir, binariesDir, reachableRoot });
    try {
      expect(first.clusterDir.startsWith(reachableRoot)).toBe(true);
      expect(readFileSync(join(dataDir, 'postgres.location'), 'utf8')).toContain(first.clusterDir);
      await query(first.url, 'CREATE TABLE kept (value text); INSERT INTO kept VALUES ($$still here$$)');
    } finally {
      await first.stop();
    }

    const second = await startEmbeddedPostgres({ dataDir, binariesDir, reachableRoot });
    try {
      expect(second.clusterDir).toBe(first.clusterDir);
      expect(await query(second.url, 'SELECT value FROM kept')).toEqual([{ value: 'still here' }]);
    } finally {
      await second.stop();
    }
  });

  it('keeps the cluster inside the data folder when the server account can reach it', async () => {
    const dataDir = join(work, 'open', '.data');
    const server = await startEmbeddedPostgres({ dataDir, reachableRoot: join(work, 'unused') });
    try {
      expect(server.clusterDir).toBe(join(dataDir, 'postgres'));
      expect(await query(server.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await server.stop();
    }
  });
});

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(sql);
    return Array.isArray(result) ? result.at(-1).rows : result.rows;
  } finally {
    await client.end();
  }
}
