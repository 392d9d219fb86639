import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@bridge/database';
import {
  createTestDatabase,
  expectEventually,
  PLATFORM_SERVICES,
  type PlatformService,
} from '@bridge/testing';
import { startRabbitMq, type RabbitMqNode } from '../../libs/testing/src/rabbitmq';
import { Api } from '../support/api';
import type { TestPlatform } from '../support/platform';
import { TEST_SIU_ROOT } from '../support/siu-folders';
import { SiuDriver, dropFile, siuMessage } from '../e2e/siu.fixtures';

const MESSAGES = 10_000;
const KILLS = 5;
/** `npm run test:infra` builds dist/ first; BRIDGE_DIST_DIR points elsewhere to try a build without replacing it. */
const DIST = process.env.BRIDGE_DIST_DIR ?? join(__dirname, '..', '..', 'dist');

/**
 * QUALITY.md R1: an SIU run of 10,000 messages while the consuming process (siu-ingestor) is killed with
 * SIGKILL at 5 random moments and RabbitMQ is killed and restarted once. Every process is a real
 * `node dist/apps/<app>/main.js`; everything is checked through the public API. Afterwards every message
 * was applied exactly once in effect: 10,000 patients, each with one care flow, nothing lost, nothing twice.
 */
describe('R1: SIU ingest is exactly-once in effect across kill -9 and a broker restart', () => {
  let broker: RabbitMqNode;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const children = new Map<string, ChildProcess>();
  let env: NodeJS.ProcessEnv;
  let url: string;

  function start(service: PlatformService): void {
    const child = spawn(process.execPath, [join(DIST, 'apps', service, 'main.js')], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.set(service, child);
  }

  async function healthy(): Promise<void> {
    await expectEventually(
      async () => {
        const response = await fetch(`${url}/health`);
        if (response.status !== 200) throw new Error(`health ${response.status}: ${await response.text()}`);
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  }

  async function kill(service: string, signal: NodeJS.Signals): Promise<void> {
    const child = children.get(service);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  beforeAll(async () => {
    broker = await startRabbitMq();
    database = await createTestDatabase();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      ...process.env,
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '5',
      AMQP_URL: broker.url,
      SIGNING_KEY_PASSPHRASE: randomBytes(32).toString('hex'),
      SECRETS_KEY: randomBytes(32).toString('base64'),
      // The hospital's SIU folder is made under this root (test/support/siu-folders.ts).
      SIU_DIRECTORY_ROOTS: TEST_SIU_ROOT,
      ADMIN_CLIENT_ID: 'r1-admin',
      ADMIN_CLIENT_SECRET: randomBytes(18).toString('base64url'),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      // A killed instance's fetch is declared interrupted quickly, so the test can start the next run.
      SIU_RUN_STALE_MS: '3000',
      SIU_SUPERVISE_INTERVAL_MS: '200',
    };
    mkdirSync(TEST_SIU_ROOT, { recursive: true });
    for (const service of PLATFORM_SERVICES) start(service);
    await healthy();
  });

  afterAll(async () => {
    for (const service of children.keys()) await kill(service, 'SIGTERM');
    await broker?.stop();
    await database?.drop();
  });

  it(`applies ${MESSAGES} S12 messages exactly once`, async () => {
    const platform = {
      url,
      admin: { clientId: env.ADMIN_CLIENT_ID!, clientSecret: env.ADMIN_CLIENT_SECRET! },
    } as TestPlatform;
    const api = new Api(platform);
    const siu = new SiuDriver(api, await api.adminToken());
    const hospital = await siu.hospital('r1');
    const content: string[] = [];
    for (let i = 0; i < MESSAGES; i += 1)
      content.push(siuMessage({ event: 'S12', controlId: `R${i}`, patientCode: `R1-${i}` }));
    dropFile(hospital.dir, 'day.hl7', content.join(''));

    const runIds: string[] = [
      (await api.expect(202, 'POST', `/v1/admin/hospitals/${hospital.id}/siu-runs`, { token: siu.admin })).id,
    ];
    for (let kill = 1; kill <= KILLS; kill += 1) {
      // A random moment to crash at, not a wait for something to happen.
      await pause(randomInt(300, 2500));
      await killAndRestart('siu-ingestor');
      if (kill === 3) {
        // The broker dies too (no graceful shutdown) and comes back with its durable queues.
        await broker.restart();
      }
      await healthy();
    }

    // Runs interrupted by a kill while taking the file end failed and leave the file at the source:
    // start runs until the file has left the source and the last run finished.
    await expectEventually(
      async () => {
        const last = await api.expect(
          200,
          'GET',
          `/v1/admin/hospitals/${hospital.id}/siu-runs/${runIds[runIds.length - 1]}`,
          {
            token: siu.admin,
          },
        );
        if (last.status === 'running')
          throw new Error(`run ${last.id} is running: ${last.messagesProcessed} processed`);
        if (readdirSync(hospital.dir).includes('day.hl7')) {
          runIds.push(
            (
              await api.expect(202, 'POST', `/v1/admin/hospitals/${hospital.id}/siu-runs`, {
                token: siu.admin,
              })
            ).id,
          );
          throw new Error('the file is still at the source: started another run');
        }
      },
      { timeoutMs: 240_000, intervalMs: 500 },
    );

    const runs = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/siu-runs?limit=100`, {
      token: siu.admin,
    });
    const total = (field: string) => runs.reduce((sum: number, run: any) => sum + run[field], 0);
    expect({
      received: total('messagesReceived'),
      processed: total('messagesProcessed'),
      failed: total('messagesFailed'),
      duplicate: total('messagesDuplicate'),
      patientsCreated: total('patientsCreated'),
      careFlowsStarted: total('careFlowsStarted'),
    }).toEqual({
      received: MESSAGES,
      processed: MESSAGES,
      failed: 0,
      duplicate: 0,
      patientsCreated: MESSAGES,
      careFlowsStarted: MESSAGES,
    });

    // What the Care app sees: every patient once, each with exactly one care flow.
    const codes = new Map<string, number>();
    for (let cursor: string | undefined; ;) {
      const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await api.expect(200, 'GET', `/v1/patients?limit=200${query}`, {
        token: hospital.token,
      });
      for (const patient of page.patients)
        codes.set(patient.patientCode, (codes.get(patient.patientCode) ?? 0) + patient.careFlows.length);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(codes.size).toBe(MESSAGES);
    expect([...codes.values()].filter((careFlows) => careFlows !== 1)).toEqual([]);
  }, 600_000);

  async function killAndRestart(service: PlatformService): Promise<void> {
    await kill(service, 'SIGKILL');
    start(service);
  }
});

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
