import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, provisionServiceRoles, SERVICE_SCHEMAS, type DataService } from '@bridge/database';
import {
  createTestDatabase,
  PLATFORM_SERVICES,
  PortTakenError,
  stopChildren,
  untilHealthy,
  type StartingService,
} from '@bridge/testing';
import {
  logTap,
  newPlatformIdentity,
  platformEnvironment,
  readSigningKey,
  type PlatformIdentity,
  type TestPlatform,
  type TestPlatformOptions,
} from './platform-base';
import { TEST_SIU_ROOT } from './siu-folders';

const ROOT = join(__dirname, '..', '..');
/** Where global setup leaves the shared platform's address and credentials for the suites (JSON). */
const SHARED_PLATFORM_VARIABLE = 'BRIDGE_TEST_SHARED_PLATFORM';

declare global {
  var __BRIDGE_TEST_SHARED_PLATFORM__: TestPlatform | undefined;
}

/**
 * The production shape: one `node dist/apps/<app>/main.js` process per app over RabbitMQ (AMQP_URL), on a
 * fresh, empty database — every migration and role bootstrap runs as in production.
 */
export async function startDistributedPlatform(
  env: NodeJS.ProcessEnv,
  identity: PlatformIdentity,
  options: TestPlatformOptions,
): Promise<TestPlatform> {
  const database = await createTestDatabase();
  const running = await startProcesses({ ...env, DATABASE_URL: database.url }, options).catch(
    async (error: unknown) => {
      await database.drop(); // and the service roles made for it
      throw error;
    },
  );
  return {
    ...running,
    admin: identity.admin,
    jwt: identity.jwt,
    databaseUrl: database.url,
    secretsKey: identity.secretsKey,
    signingKey: await readSigningKey(
      running.url,
      running.serviceDatabaseUrls['user-provisioning'],
      identity.passphrase,
    ),
    close: async () => (await running.close(), await database.drop()),
  };
}

/**
 * Global setup of a distributed jest run: one platform every tenant-isolated suite runs on
 * (TestPlatformOptions.tenantIsolated). Start-up — seven Node processes loading their apps and migrating
 * an empty database on two busy cores — is most of a small suite's time in this topology.
 */
export async function startSharedDistributedPlatform(): Promise<void> {
  mkdirSync(TEST_SIU_ROOT, { recursive: true });
  const identity = newPlatformIdentity();
  const platform = await startDistributedPlatform(platformEnvironment(identity), identity, {});
  globalThis.__BRIDGE_TEST_SHARED_PLATFORM__ = platform;
  // Suites run in contexts of their own: they find the platform through the environment.
  process.env[SHARED_PLATFORM_VARIABLE] = JSON.stringify({
    url: platform.url,
    admin: platform.admin,
    jwt: platform.jwt,
    databaseUrl: platform.databaseUrl,
    secretsKey: platform.secretsKey,
    passphrase: identity.passphrase,
    serviceDatabaseUrls: platform.serviceDatabaseUrls,
    amqpUrl: platform.amqpUrl,
  });
}

export async function stopSharedDistributedPlatform(): Promise<void> {
  const platform = globalThis.__BRIDGE_TEST_SHARED_PLATFORM__;
  globalThis.__BRIDGE_TEST_SHARED_PLATFORM__ = undefined;
  delete process.env[SHARED_PLATFORM_VARIABLE];
  await platform?.close();
}

/**
 * The run's shared platform, if global setup started one. Its `close()` leaves it running (global
 * teardown stops it); its signing key is read afresh, as a suite of its own would.
 */
export async function sharedDistributedPlatform(): Promise<TestPlatform | undefined> {
  const shared = process.env[SHARED_PLATFORM_VARIABLE];
  if (!shared) return undefined;
  const { passphrase, ...platform } = JSON.parse(shared) as Omit<TestPlatform, 'signingKey'> & {
    passphrase: string;
  };
  return {
    ...platform,
    metricsUrls: [],
    signingKey: await readSigningKey(
      platform.url,
      platform.serviceDatabaseUrls['user-provisioning'],
      passphrase,
    ),
    close: async () => undefined,
  };
}

/**
 * How many times a platform is started before a gateway that lost its port fails the suite. freePort's port
 * is free when it is chosen, not when the gateway listens on it seconds later: meanwhile any socket of the
 * other jest worker (an outgoing connection takes a port from the same range) can take it.
 */
const GATEWAY_PORT_ATTEMPTS = 3;

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
  // The bootstrap step compose runs as an init script: one role per data service, owning its schema only.
  const serviceDatabaseUrls = await provisionServiceRoles(env.DATABASE_URL!);
  const vhost = isolatedVirtualHost(env.AMQP_URL);
  const platformEnv = { ...env, AMQP_URL: vhost.url };
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const processes = await spawnServices(platformEnv, serviceDatabaseUrls, port, options);
    const children = processes.map(({ child }) => child);
    const url = `http://127.0.0.1:${port}`;
    try {
      // Several processes of each service start (and wait for each other's migrations) on busy CI cores.
      await untilHealthy(url, processes, 180_000 * (options.instances ?? 1));
    } catch (error) {
      await stopChildren(children);
      if (error instanceof PortTakenError && attempt < GATEWAY_PORT_ATTEMPTS) continue;
      vhost.remove();
      throw error;
    }
    const metricsPorts = processes.flatMap(({ metricsPort }) => (metricsPort ? [metricsPort] : []));
    return {
      url,
      serviceDatabaseUrls,
      amqpUrl: vhost.url,
      processes: processes.map(({ service, child }) => ({ service, child })),
      metricsUrls: metricsPorts.map((metricsPort) => `http://127.0.0.1:${metricsPort}/metrics`),
      close: async () => {
        await stopChildren(children);
        vhost.remove();
      },
    };
  }
}

async function spawnServices(
  env: NodeJS.ProcessEnv,
  serviceDatabaseUrls: Record<DataService, string>,
  port: number,
  options: TestPlatformOptions,
): Promise<(StartingService & { metricsPort?: number })[]> {
  const instances = options.instances ?? 1;
  const tap = logTap(options.onLogLine);
  return Promise.all(
    PLATFORM_SERVICES.flatMap((service) =>
      Array.from({ length: service === 'gateway' ? 1 : instances }, async () => {
        const { DATABASE_URL: _adminUrl, METRICS_PORT: _metricsPort, ...shared } = env;
        const database =
          service in SERVICE_SCHEMAS ? { DATABASE_URL: serviceDatabaseUrls[service as DataService] } : {};
        // One metrics port per process: they cannot share the one the test asked for.
        const metricsPort = env.METRICS_PORT ? await freePort() : undefined;
        const metrics = metricsPort ? { METRICS_PORT: String(metricsPort) } : {};
        const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', service, 'main.js')], {
          env: { ...shared, ...database, ...metrics, PORT: String(port), HOST: '127.0.0.1' },
          // The gateway's stderr is read to tell a port taken meanwhile (retried) from any other failure.
          stdio: ['ignore', tap ? 'pipe' : 'inherit', service === 'gateway' ? 'pipe' : 'inherit'],
        });
        if (tap) child.stdout?.on('data', (chunk: Buffer) => (process.stdout.write(chunk), tap.write(chunk)));
        const started: StartingService & { metricsPort?: number } = {
          service,
          child,
          metricsPort,
          startUpErrors: '',
        };
        child.stderr?.on('data', (chunk: Buffer) => {
          process.stderr.write(chunk);
          if (started.startUpErrors !== undefined) started.startUpErrors += chunk.toString('utf8');
        });
        return started;
      }),
    ),
  );
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
