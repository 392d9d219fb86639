import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { Client } from 'pg';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { freePort, provisionServiceRoles, SERVICE_SCHEMAS, type DataService } from '@bridge/database';
import { createTestDatabase, expectEventually, stopChildren, testTemplateDatabase } from '@bridge/testing';
import { startPlatform } from '../../apps/embedded/src/platform';
import { TEST_SIU_ROOT } from './siu-folders';

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
}

const SERVICES = [
  'user-provisioning',
  'patient-import',
  'hl7-gateway',
  'siu-ingestor',
  'notifier',
  'gateway',
] as const;
const ROOT = join(__dirname, '..', '..');
/** The migrated template of a jest run: `bridge_test_template_<BRIDGE_TEST_RUN_ID>` (global setup). */
const TEMPLATE_PREFIX = 'bridge_test_template_';

/**
 * The platform under test, on a fresh database. By default every app runs in this process over the
 * in-process bus (what `npm test` checks). With BRIDGE_TEST_TOPOLOGY=distributed (`npm run test:infra`)
 * each app is its own process from dist/, talking over RabbitMQ (AMQP_URL) — the production shape.
 * `overrides` sets variables for this platform only (e.g. TRUST_PROXY).
 */
export async function startTestPlatform(
  overrides: NodeJS.ProcessEnv = {},
  options: TestPlatformOptions = {},
): Promise<TestPlatform> {
  const distributed =
    options.topology === 'distributed' || process.env.BRIDGE_TEST_TOPOLOGY === 'distributed';
  const admin = { clientId: 'test-admin', clientSecret: randomBytes(18).toString('base64url') };
  const jwt = { issuer: 'careflow-bridge', audience: 'careflow-bridge-api' };
  const secretsKey = randomBytes(32).toString('base64');
  const passphrase = randomBytes(32).toString('hex');
  const defaults: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_POOL_SIZE: '5',
    SIGNING_KEY_PASSPHRASE: passphrase,
    SECRETS_KEY: secretsKey,
    ADMIN_CLIENT_ID: admin.clientId,
    ADMIN_CLIENT_SECRET: admin.clientSecret,
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
  const env: NodeJS.ProcessEnv = { ...defaults, ...overrides };
  mkdirSync(TEST_SIU_ROOT, { recursive: true });
  if (distributed) {
    // A fresh, empty database: the production shape runs every migration and role bootstrap itself.
    const database = await createTestDatabase();
    env.DATABASE_URL = database.url;
    const running = await startProcesses(env, options).catch(async (error: unknown) => {
      await database.drop(); // and the service roles made for it
      throw error;
    });
    return {
      ...running,
      admin,
      jwt,
      databaseUrl: database.url,
      secretsKey,
      signingKey: await readSigningKey(
        running.url,
        running.serviceDatabaseUrls['user-provisioning'],
        passphrase,
      ),
      close: async () => (await running.close(), await database.drop()),
    };
  }
  delete env.AMQP_URL;
  const template = await migratedTemplate(defaults);
  const database = await createTestDatabase({ template });
  env.DATABASE_URL = database.url;
  const platform = await startPlatform(env, { port: 0, logDestination: logTap(options.onLogLine) }).catch(
    async (error: unknown) => {
      await database.drop();
      throw error;
    },
  );
  return {
    url: platform.url,
    metricsUrls: env.METRICS_PORT ? [`http://127.0.0.1:${env.METRICS_PORT}/metrics`] : [],
    admin,
    jwt,
    databaseUrl: database.url,
    secretsKey,
    serviceDatabaseUrls: platform.databaseUrls!,
    signingKey: await readSigningKey(platform.url, platform.databaseUrls!['user-provisioning'], passphrase),
    close: async () => {
      await platform.close();
      await database.drop();
    },
  };
}

/**
 * In-process platforms start on a copy of one database every service has migrated (once per jest run,
 * global setup names it): each boot then skips the migrations (~0.4 s of PostgreSQL CPU, 0.1 s of ours,
 * measured). The copy gets its own service roles as usual (provisionServiceRoles re-owns the copied
 * schemas). The distributed topology keeps migrating empty databases, as production does.
 */
async function migratedTemplate(defaults: NodeJS.ProcessEnv): Promise<string | undefined> {
  const runId = process.env.BRIDGE_TEST_RUN_ID;
  if (!runId) return undefined;
  return testTemplateDatabase(`${TEMPLATE_PREFIX}${runId}`, async (url) => {
    // Without the suite's overrides, and without the listeners a suite may have pointed elsewhere.
    const { METRICS_PORT: _metrics, OTEL_EXPORTER_OTLP_ENDPOINT: _otel, ...env } = defaults;
    const platform = await startPlatform({ ...env, DATABASE_URL: url }, { port: 0 });
    await platform.close();
  });
}

async function readSigningKey(
  url: string,
  databaseUrl: string,
  passphrase: string,
): Promise<{ kid: string; privateKey: KeyObject }> {
  await fetch(`${url}/.well-known/jwks.json`); // a fresh platform makes its first key on first use
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

/** A pino destination handing each line to `onLine` (parsed), or undefined for stdout. */
function logTap(onLine: TestPlatformOptions['onLogLine']): Writable | undefined {
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

async function startProcesses(
  env: NodeJS.ProcessEnv,
  options: TestPlatformOptions,
): Promise<{
  url: string;
  serviceDatabaseUrls: Record<DataService, string>;
  amqpUrl: string;
  processes: { service: string; child: ChildProcess }[];
  metricsUrls: string[];
  close(): Promise<void>;
}> {
  if (!env.AMQP_URL) throw new Error('BRIDGE_TEST_TOPOLOGY=distributed needs AMQP_URL');
  const port = await freePort();
  // The bootstrap step compose runs as an init script: one role per data service, owning its schema only.
  const serviceDatabaseUrls = await provisionServiceRoles(env.DATABASE_URL!);
  const vhost = isolatedVirtualHost(env.AMQP_URL);
  const instances = options.instances ?? 1;
  // One metrics port per process: they cannot share the one the test asked for.
  const tap = logTap(options.onLogLine);
  const processes = await Promise.all(
    SERVICES.flatMap((service) =>
      Array.from({ length: service === 'gateway' ? 1 : instances }, async () => {
        const { DATABASE_URL: _adminUrl, METRICS_PORT: _metricsPort, ...shared } = env;
        const database =
          service in SERVICE_SCHEMAS ? { DATABASE_URL: serviceDatabaseUrls[service as DataService] } : {};
        const metricsPort = env.METRICS_PORT ? await freePort() : undefined;
        const metrics = metricsPort ? { METRICS_PORT: String(metricsPort) } : {};
        const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', service, 'main.js')], {
          env: {
            ...shared,
            ...database,
            ...metrics,
            AMQP_URL: vhost.url,
            PORT: String(port),
            HOST: '127.0.0.1',
          },
          stdio: ['ignore', tap ? 'pipe' : 'inherit', 'inherit'],
        });
        if (tap) child.stdout?.on('data', (chunk: Buffer) => (process.stdout.write(chunk), tap.write(chunk)));
        return { service, child, metricsPort };
      }),
    ),
  );
  const children = processes.map(({ child }) => child);
  const metricsPorts = processes.flatMap(({ metricsPort }) => (metricsPort ? [metricsPort] : []));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    await stopChildren(children);
    vhost.remove();
  };
  try {
    await expectEventually(
      async () => {
        const exited = children.find((child) => child.exitCode !== null);
        if (exited) throw new Error(`a service exited during start-up (code ${exited.exitCode})`);
        const response = await fetch(`${url}/health`);
        if (response.status !== 200) throw new Error(`health ${response.status}: ${await response.text()}`);
      },
      // Several processes of each service start (and wait for each other's migrations) on busy CI cores.
      { timeoutMs: 180_000 * instances, intervalMs: 200 },
    );
  } catch (error) {
    await close();
    throw error;
  }
  return {
    url,
    serviceDatabaseUrls,
    amqpUrl: vhost.url,
    processes: processes.map(({ service, child }) => ({ service, child })),
    metricsUrls: metricsPorts.map((metricsPort) => `http://127.0.0.1:${metricsPort}/metrics`),
    close,
  };
}

/**
 * Each distributed platform gets its own RabbitMQ virtual host: queues are durable and named by service,
 * so on a shared broker messages a suite left behind (an event not yet consumed when its platform
 * stopped) would be delivered to the next suite's services, which know nothing of them.
 */
function isolatedVirtualHost(amqpUrl: string): { url: string; remove(): void } {
  const name = `bridge-test-${randomBytes(4).toString('hex')}`;
  const user = decodeURIComponent(new URL(amqpUrl).username || 'guest');
  // Each rabbitmqctl call boots an Erlang VM (~1 s of CPU, seconds on a busy machine): the vhost and its
  // permissions come in one call (definitions on stdin), and the removal is not waited for.
  const definitions = {
    vhosts: [{ name }],
    permissions: [{ user, vhost: name, configure: '.*', write: '.*', read: '.*' }],
  };
  execFileSync('rabbitmqctl', ['-q', 'import_definitions'], {
    input: JSON.stringify(definitions),
    stdio: ['pipe', 'ignore', 'ignore'],
    timeout: 30_000,
  });
  const url = new URL(amqpUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return {
    url: url.toString(),
    // Best effort: a leftover test vhost is harmless, and the next suite need not wait for this one's.
    remove: () =>
      spawn('rabbitmqctl', ['-q', 'delete_vhost', name], { stdio: 'ignore', detached: true })
        .on('error', () => undefined)
        .unref(),
  };
}
