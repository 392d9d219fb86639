import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from '../../libs/database/src/embedded-postgres';
import { startSharedChromium } from '../browser/chromium';
import { startSharedDistributedPlatform } from '../support/distributed-platform';

declare global {
  var __BRIDGE_TEST_POSTGRES__: EmbeddedPostgresHandle | undefined;
}

/**
 * e2e suites get a real PostgreSQL: the one in TEST_DATABASE_URL (CI's system server), else an embedded
 * server in a throwaway directory. Each suite then creates its own `bridge_test_*` database.
 * A distributed e2e run (BRIDGE_TEST_TOPOLOGY=distributed) also starts the one platform its
 * tenant-isolated suites share (test/support/distributed-platform.ts); the browser project starts the
 * one Chromium its specs connect to (test/browser/chromium.ts).
 */
export default async function globalSetup(_global: unknown, project: JestProject): Promise<void> {
  if (!process.env.TEST_DATABASE_URL) await startTestPostgres();
  if (process.env.BRIDGE_TEST_TOPOLOGY === 'distributed' && displayName(project) === 'e2e')
    await startSharedDistributedPlatform();
  if (displayName(project) === 'browser') await startSharedChromium();
}

async function startTestPostgres(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bridge-test-pg-'));
  // A throwaway cluster: nothing to keep through an operating-system crash, so no fsync (CREATE DATABASE
  // and every commit would otherwise wait for the disk).
  const postgres = await startEmbeddedPostgres({
    dataDir,
    port: 0,
    settings: { fsync: 'off', full_page_writes: 'off' },
  });
  globalThis.__BRIDGE_TEST_POSTGRES__ = postgres;
  process.env.TEST_DATABASE_URL = postgres.url;
  // Names this run's migrated template database (test/support/platform.ts). Only on a server of its own,
  // thrown away with it: a shared server (TEST_DATABASE_URL) is left as the suites found it.
  process.env.BRIDGE_TEST_RUN_ID = randomBytes(4).toString('hex');
  // Suites that check the embedded server itself (its generated superuser password) look here.
  process.env.BRIDGE_TEST_EMBEDDED_POSTGRES_DIR = dataDir;
}

/** What global setup reads of jest's project configuration (its second argument). */
interface JestProject {
  displayName?: string | { name: string };
}

function displayName(project: JestProject): string | undefined {
  const name = project.displayName;
  return typeof name === 'string' ? name : name?.name;
}
