import { mkdirSync } from 'node:fs';
import { createTestDatabase, testTemplateDatabase } from '@bridge/testing';
import { startPlatform } from '../../apps/embedded/src/platform';
import { sharedDistributedPlatform, startDistributedPlatform } from './distributed-platform';
import {
  logTap,
  newPlatformIdentity,
  platformEnvironment,
  readSigningKey,
  type TestPlatform,
  type TestPlatformOptions,
} from './platform-base';
import { TEST_SIU_ROOT } from './siu-folders';

export type { TestPlatform, TestPlatformOptions } from './platform-base';

/** The migrated template of a jest run: `bridge_test_template_<BRIDGE_TEST_RUN_ID>` (global setup). */
const TEMPLATE_PREFIX = 'bridge_test_template_';

/**
 * The platform under test, on a fresh database. By default every app runs in this process over the
 * in-process bus (what `npm test` checks). With BRIDGE_TEST_TOPOLOGY=distributed (`npm run test:infra`)
 * each app is its own process from dist/, talking over RabbitMQ (AMQP_URL) — the production shape; a
 * tenant-isolated suite (options.tenantIsolated) then shares the run's one distributed platform.
 * `overrides` sets variables for this platform only (e.g. TRUST_PROXY).
 */
export async function startTestPlatform(
  overrides: NodeJS.ProcessEnv = {},
  options: TestPlatformOptions = {},
): Promise<TestPlatform> {
  const distributed =
    options.topology === 'distributed' || process.env.BRIDGE_TEST_TOPOLOGY === 'distributed';
  if (options.tenantIsolated && Object.keys(overrides).length > 0)
    throw new Error('a tenant-isolated platform takes no overrides: the shared one runs with the defaults');
  mkdirSync(TEST_SIU_ROOT, { recursive: true });
  if (distributed && options.tenantIsolated) {
    const shared = await sharedDistributedPlatform();
    if (shared) return shared;
  }
  const identity = newPlatformIdentity();
  const defaults = platformEnvironment(identity);
  const env: NodeJS.ProcessEnv = { ...defaults, ...overrides };
  if (distributed) return startDistributedPlatform(env, identity, options);
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
    admin: identity.admin,
    jwt: identity.jwt,
    databaseUrl: database.url,
    secretsKey: identity.secretsKey,
    serviceDatabaseUrls: platform.databaseUrls!,
    signingKey: await readSigningKey(
      platform.url,
      platform.databaseUrls!['user-provisioning'],
      identity.passphrase,
    ),
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
