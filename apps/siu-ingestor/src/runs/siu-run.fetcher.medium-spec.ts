import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DestinationPolicy } from '@bridge/config';
import { SecretBox } from '@bridge/database';
import { ServiceMetrics } from '@bridge/observability';
import { migratedTestDatabase } from '@bridge/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { resolveSiuSettings } from '../connections/siu-settings';
import { DirectoryBounds } from '../sources/directory-bounds';
import { SIU_INGESTOR_SCHEMA, siuIngestorMigrations } from '../siu-ingestor.module';
import type { SiuOptions } from '../siu.options';
import { SiuFilesRepository, type SplitMessage } from './siu-files.repository';
import { SiuMetrics } from './siu-metrics';
import { heartbeatIntervalMs, SiuRunFetcher } from './siu-run.fetcher';
import { SiuRunSupervisor } from './siu-run.supervisor';
import { SiuRunsRepository } from './siu-runs.repository';
import { siuTestOutbox } from '../siu-outbox.spec-helpers';

/**
 * Medium test (docs/testing.md): the fetcher and the supervisor with their repositories on PostgreSQL and a
 * real directory source. What R1 (test/infra/siu-crash) needs of them: a run that takes its file slowly but
 * is alive is never declared interrupted, and a run that was declared interrupted (its instance went silent)
 * never takes the file it was storing — the next run does, so nothing is stored twice.
 */
const MESSAGES = 3;
const OPTIONS: SiuOptions = {
  superviseIntervalMs: 100,
  staleMs: 1200,
  stallMs: 60_000,
  applyBatch: 100,
  schedules: false,
  maxAttempts: 3,
};

function siu(controlId: string): string {
  return (
    [
      `MSH|^~\\&|AGENDA|AZ|CF|BR|20260401||SIU^S12^SIU_S12|${controlId}|P|2.5`,
      `SCH||A-${controlId}`,
      `PID|1||P-${controlId}^^^AZ^MR||Peeters^Els^^^^^L||19800214|F`,
      'AIS|1||KNEE^Knee',
    ].join('\r') + '\r'
  );
}

/** SiuFilesRepository whose message INSERTs first run `before` (a slow disk, another instance meanwhile). */
class ObservedFiles extends SiuFilesRepository {
  before: () => Promise<void> = async () => undefined;

  override async insertMessages(
    manager: EntityManager,
    target: { hospitalId: string; runId: string; fileId: string },
    messages: SplitMessage[],
  ): Promise<void> {
    if (messages.length > 0) await this.before();
    await super.insertMessages(manager, target, messages);
  }
}

describe('SiuRunFetcher with the run supervisor on PostgreSQL (medium)', () => {
  let database: Awaited<ReturnType<typeof migratedTestDatabase>>;
  let dataSource: DataSource;
  let root: string;
  let runs: SiuRunsRepository;
  let files: ObservedFiles;
  let fetcher: SiuRunFetcher;
  let supervisor: SiuRunSupervisor;

  beforeAll(async () => {
    database = await migratedTestDatabase(
      SIU_INGESTOR_SCHEMA,
      siuIngestorMigrations(new SecretBox(randomBytes(32).toString('base64'))),
    );
    dataSource = database.dataSource;
    root = mkdtempSync(join(tmpdir(), 'siu-fetcher-'));
    runs = new SiuRunsRepository(dataSource, new SiuMetrics(new ServiceMetrics('siu-ingestor')));
    files = new ObservedFiles(dataSource, siuTestOutbox());
    fetcher = new SiuRunFetcher(
      dataSource,
      files,
      runs,
      new DirectoryBounds({ roots: [root] }),
      new DestinationPolicy({ allowLoopback: false, platformEndpoints: [] }),
      OPTIONS,
    );
    supervisor = new SiuRunSupervisor(runs, OPTIONS);
    supervisor.onApplicationBootstrap();
  });
  afterAll(async () => {
    await supervisor?.beforeApplicationShutdown();
    await database?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });
  afterEach(() => {
    files.before = async () => undefined;
  });

  /** A hospital whose source folder holds one file of `messages` messages, and its run, started. */
  async function startedRun(messages = MESSAGES) {
    const hospitalId = randomUUID();
    const dir = mkdtempSync(join(root, 'hospital-'));
    writeFileSync(join(dir, 'day.hl7'), Array.from({ length: messages }, (_, i) => siu(`C${i}`)).join(''));
    const settings = resolveSiuSettings({
      source: { type: 'directory', path: dir },
      minFileAgeMs: 0,
      afterProcessing: 'delete',
      careFlowMap: [{ field: 'AIS-3.1', value: 'KNEE', careFlowDefinitionKey: 'knee-replacement' }],
    });
    const run = { id: randomUUID(), hospitalId, trigger: 'manual' as const, settings };
    expect(await runs.insert(run)).toBe('inserted');
    const storedMessages = async () =>
      Number(
        (
          (await dataSource.query(`SELECT count(*) AS n FROM siu_ingestor.siu_messages WHERE run_id = $1`, [
            run.id,
          ])) as { n: string }[]
        )[0].n,
      );
    return { run, dir, storedMessages, report: () => runs.find(hospitalId, run.id) };
  }

  it('keeps a run alive that stores its file for longer than SIU_RUN_STALE_MS', async () => {
    const { run, dir, storedMessages, report } = await startedRun();
    // Twice the stale limit inside the file's transaction: a healthy run on a loaded machine.
    files.before = () => new Promise((resolve) => setTimeout(resolve, 2 * OPTIONS.staleMs));

    await fetcher.fetch(run, { stopping: false });

    expect(await report()).toMatchObject({ messagesReceived: MESSAGES, failures: [] });
    expect((await report())?.error).toBeUndefined();
    expect(await storedMessages()).toBe(MESSAGES);
    expect(readdirSync(dir)).not.toContain('day.hl7');
  });

  it('leaves the file at the source when the run was declared interrupted while storing it', async () => {
    const { run, dir, storedMessages, report } = await startedRun();
    // Another instance's supervisor decides meanwhile that this run's instance went silent.
    files.before = () => runs.interruptSilent(0);

    await fetcher.fetch(run, { stopping: false });

    expect(await storedMessages()).toBe(0);
    expect(readdirSync(dir)).toContain('day.hl7');
    expect(await report()).toMatchObject({
      messagesReceived: 0,
      error: expect.stringContaining('interrupted'),
      failures: [{ file: 'day.hl7', reason: expect.stringContaining('declared interrupted') }],
    });
  });

  // 2,500 messages: three INSERTs (1,000, 1,000, 500), each run while the next batch is split.
  const SEVERAL_BATCHES = 2500;

  it('stores a file of several INSERT batches whole, in file order, and only then takes it from the source', async () => {
    const { run, dir, storedMessages, report } = await startedRun(SEVERAL_BATCHES);
    const batches: number[] = [];
    files.before = async () => {
      batches.push(batches.length);
    };

    await fetcher.fetch(run, { stopping: false });

    expect(batches).toEqual([0, 1, 2]);
    expect(await storedMessages()).toBe(SEVERAL_BATCHES);
    const positions = (
      (await dataSource.query(
        `SELECT position, control_id FROM siu_ingestor.siu_messages WHERE run_id = $1 ORDER BY seq`,
        [run.id],
      )) as { position: number; control_id: string }[]
    ).map((row) => `${row.position}:${row.control_id}`);
    expect(positions).toEqual(Array.from({ length: SEVERAL_BATCHES }, (_, i) => `${i}:C${i}`));
    expect(await report()).toMatchObject({ messagesReceived: SEVERAL_BATCHES, failures: [] });
    expect(readdirSync(dir)).not.toContain('day.hl7');
  });

  it.each([
    ['the second', 2],
    ['the last', 3],
  ])(
    'stores nothing and leaves the file at the source when %s INSERT of a file fails',
    async (_which, failing) => {
      const { run, dir, storedMessages, report } = await startedRun(SEVERAL_BATCHES);
      let calls = 0;
      files.before = async () => {
        calls += 1;
        if (calls === failing) throw new Error('disk full');
      };

      await fetcher.fetch(run, { stopping: false });

      expect(await storedMessages()).toBe(0);
      expect(readdirSync(dir)).toContain('day.hl7');
      expect(await report()).toMatchObject({
        messagesReceived: 0,
        failures: [{ file: 'day.hl7', reason: expect.stringContaining('disk full') }],
      });
    },
  );

  it('beats at least three times within the stale limit, and at most every 5 s', () => {
    expect(heartbeatIntervalMs(3000)).toBe(1000);
    expect(heartbeatIntervalMs(1000)).toBeLessThanOrEqual(1000 / 3);
    expect(heartbeatIntervalMs(60_000)).toBe(5000);
  });
});
