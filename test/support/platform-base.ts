import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import type { DataService } from '@bridge/database';
import { TEST_SIU_ROOT } from './siu-folders';

// What both topologies of the test platform share (platform.ts, distributed-platform.ts): the handle a
// suite gets, the credentials and environment a platform starts with, its signing key and log tap.

export interface TestPlatform {
  url: string;
  admin: { clientId: string; clientSecret: string };
  jwt: { issuer: string; audience: string };
  /** The suite's own database (owner's URL), for tests that look under the API (a dump, a migration). */
  databaseUrl: string;
  /** SECRETS_KEY the services seal connection secrets with. */
  secretsKey: string;
  /** Each data service's own database URL (a non-superuser role owning its schema only). */
  serviceDatabaseUrls: Record<DataService, string>;
  /**
   * The platform's current private signing key, read from user-provisioning's schema, so tests can forge
   * tokens the gateway must refuse for other reasons (scope, session version). Production code never
   * reads it outside user-provisioning.
   */
  signingKey: { kid: string; privateKey: KeyObject };
  /** The broker of a distributed platform (its own virtual host); undefined on the in-process bus. */
  amqpUrl?: string;
  /** Distributed topology only: every app process, `instances` of each consumer service. */
  processes?: { service: string; child: ChildProcess }[];
  /**
   * Where `/metrics` is served when METRICS_PORT was given: one URL embedded (every service, label `service`),
   * one per process distributed (each gets its own port).
   */
  metricsUrls: string[];
  close(): Promise<void>;
}

export interface TestPlatformOptions {
  /** Force the production shape (one process per app over RabbitMQ), whatever BRIDGE_TEST_TOPOLOGY says. */
  topology?: 'distributed';
  /**
   * Distributed topology: how many processes of each consumer service (every app but the gateway, which
   * owns the HTTP port) start, all at the same moment on the fresh database (QUALITY.md O4). Default 1.
   */
  instances?: number;
  /** Every JSON log line of the platform, as written (the services' stdout when distributed). */
  onLogLine?: (line: Record<string, unknown>) => void;
  /**
   * The suite is tenant-isolated (docs/testing.md): it takes no overrides, makes its own hospitals and
   * asserts nothing platform-wide or process-wide (no platform-wide list, no per-address sign-in budget,
   * no metrics, no restart). Under BRIDGE_TEST_TOPOLOGY=distributed it then runs on the one platform the
   * jest run started (test/setup/global-setup.ts) instead of starting seven processes of its own.
   */
  tenantIsolated?: boolean;
}

/** The credentials a platform is started with, which the suites then use. */
export interface PlatformIdentity {
  admin: { clientId: string; clientSecret: string };
  jwt: { issuer: string; audience: string };
  secretsKey: string;
  /** SIGNING_KEY_PASSPHRASE: reads the private signing key back (readSigningKey). */
  passphrase: string;
}

export function newPlatformIdentity(): PlatformIdentity {
  return {
    admin: { clientId: 'test-admin', clientSecret: randomBytes(18).toString('base64url') },
    jwt: { issuer: 'careflow-bridge', audience: 'careflow-bridge-api' },
    secretsKey: randomBytes(32).toString('base64'),
    passphrase: randomBytes(32).toString('hex'),
  };
}

/** The environment every test platform starts with, before a suite's overrides. */
export function platformEnvironment(identity: PlatformIdentity): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_POOL_SIZE: '5',
    SIGNING_KEY_PASSPHRASE: identity.passphrase,
    SECRETS_KEY: identity.secretsKey,
    ADMIN_CLIENT_ID: identity.admin.clientId,
    ADMIN_CLIENT_SECRET: identity.admin.clientSecret,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    SIU_LISTENER_HOST: '127.0.0.1',
    SIU_LISTENER_REFRESH_MS: '200',
    // The simulator and fake hospitals listen on loopback; R9 turns this off.
    ALLOW_LOOPBACK_DESTINATIONS: 'true',
    // Every test folder is made inside it (test/support/siu-folders.ts).
    SIU_DIRECTORY_ROOTS: TEST_SIU_ROOT,
    // Password hashes at N = 2^10, not production's 2^17 (~0.3 s of a core each): suites sign in hundreds
    // of times. Allowed because jest runs with NODE_ENV=test; the credentials suite checks the default.
    PASSWORD_SCRYPT_LOG2N: process.env.PASSWORD_SCRYPT_LOG2N ?? '10',
    // Refusals answered at once: suites make hundreds of them; the credentials suite checks the default.
    FAILED_ATTEMPT_DELAY_MS: process.env.FAILED_ATTEMPT_DELAY_MS ?? '0',
  };
}

export async function readSigningKey(
  url: string,
  databaseUrl: string,
  passphrase: string,
): Promise<{ kid: string; privateKey: KeyObject }> {
  await warmUp(`${url}/.well-known/jwks.json`); // a fresh platform makes its first key on first use
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT kid, private_key_pem FROM user_provisioning.signing_keys WHERE retired_at IS NULL`,
    );
    if (rows.length !== 1) throw new Error('no signing key yet');
    return { kid: rows[0].kid, privateKey: createPrivateKey({ key: rows[0].private_key_pem, passphrase }) };
  } finally {
    await client.end();
  }
}

/**
 * A suite's first request to the shared platform may go out on a keep-alive socket the gateway closed while
 * the worker ran other suites: fetch then fails with "other side closed" (nodejs/undici#3492; CI met it
 * once). That failure is the client's, so the request goes again, at most three times.
 */
async function warmUp(url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await (await fetch(url)).arrayBuffer();
      return;
    } catch (error) {
      const socketClosed = (error as { cause?: { code?: string } }).cause?.code === 'UND_ERR_SOCKET';
      if (!socketClosed || attempt === 3) throw error;
    }
  }
}

/** A pino destination handing each line to `onLine` (parsed), or undefined for stdout. */
export function logTap(onLine: TestPlatformOptions['onLogLine']): Writable | undefined {
  if (!onLine) return undefined;
  let partial = '';
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      // A chunk may end mid-line (a child's stdout): the rest comes with the next one.
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          onLine(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not a JSON line (a start-up message): not a log line of a request
        }
      }
      done();
    },
  });
}
