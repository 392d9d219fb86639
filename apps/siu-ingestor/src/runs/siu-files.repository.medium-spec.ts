import { randomBytes, randomUUID } from 'node:crypto';
import { SIU_SLICE_MESSAGES, SiuSliceStoredEventV1 } from '@bridge/contracts';
import { SecretBox } from '@bridge/database';
import { ServiceMetrics } from '@bridge/observability';
import { migratedTestDatabase } from '@bridge/testing';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { DataSource } from 'typeorm';
import { resolveSiuSettings } from '../connections/siu-settings';
import { SIU_INGESTOR_SCHEMA, siuIngestorMigrations } from '../siu-ingestor.module';
import { SiuFilesRepository, type SplitMessage } from './siu-files.repository';
import { SiuMetrics } from './siu-metrics';
import { SiuRunsRepository } from './siu-runs.repository';
import { siuTestOutbox } from '../siu-outbox.spec-helpers';

/**
 * Medium test (docs/testing.md): a file's messages are handed to the consumers a slice at a time. The
 * outbox rows written with the messages are `siu.slice.stored.v1` events that name every stored message
 * once, in file order, SIU_SLICE_MESSAGES at most each, with payloads the event's class accepts.
 */
describe('SiuFilesRepository.insertMessages on PostgreSQL (medium)', () => {
  let database: Awaited<ReturnType<typeof migratedTestDatabase>>;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await migratedTestDatabase(
      SIU_INGESTOR_SCHEMA,
      siuIngestorMigrations(new SecretBox(randomBytes(32).toString('base64'))),
    );
    dataSource = database.dataSource;
  });

  afterAll(() => database?.drop());

  it('writes one slice event per SIU_SLICE_MESSAGES stored messages, naming each once in file order, cueing the relay per statement', async () => {
    const hospitalId = randomUUID();
    const run = {
      id: randomUUID(),
      hospitalId,
      trigger: 'manual' as const,
      settings: resolveSiuSettings({
        source: { type: 'directory', path: '/tmp' },
        careFlowMap: [{ field: 'AIS-3.1', value: 'KNEE', careFlowDefinitionKey: 'knee' }],
      }),
    };
    await new SiuRunsRepository(dataSource, new SiuMetrics(new ServiceMetrics('siu-ingestor'))).insert(run);
    const outbox = siuTestOutbox();
    let relayTold = 0; // the relay's cue to look at its fast pace (OutboxRelay)
    outbox.onWrite(() => relayTold++);
    const files = new SiuFilesRepository(dataSource, outbox);
    const target = { hospitalId, runId: run.id, fileId: randomUUID() };
    const count = 2 * SIU_SLICE_MESSAGES + 7;
    const messages: SplitMessage[] = Array.from({ length: count }, (_, position) => ({
      id: randomUUID(),
      position,
      type: 'SIU^S12',
      controlId: `C${position}`,
      sendingApplication: 'AGENDA',
      sendingFacility: 'AZ',
      raw: Buffer.from(`MSH|^~\\&|AGENDA|AZ|||||SIU^S12|C${position}|P|2.5\r`),
    }));

    await dataSource.transaction(async (manager) => {
      await files.insertFile(manager, { ...target, id: target.fileId, name: 'day.hl7', size: 1 });
      // Two statements, as a file larger than one INSERT is stored: each is sliced on its own.
      await files.insertMessages(manager, target, messages.slice(0, SIU_SLICE_MESSAGES + 3));
      await files.insertMessages(manager, target, messages.slice(SIU_SLICE_MESSAGES + 3));
    });

    const rows: { event: string; payload: unknown }[] = await dataSource.query(
      `SELECT event, payload FROM siu_ingestor.outbox ORDER BY txid, seq`,
    );
    expect(rows.map((row) => row.event)).toEqual(Array(4).fill('siu.slice.stored.v1'));
    expect(relayTold).toBe(2);
    const slices = rows.map((row) => plainToInstance(SiuSliceStoredEventV1, row.payload));
    for (const slice of slices)
      expect(validateSync(slice, { forbidNonWhitelisted: true, whitelist: true })).toEqual([]);
    expect(slices.map((slice) => slice.messageIds.length)).toEqual([
      SIU_SLICE_MESSAGES,
      3,
      SIU_SLICE_MESSAGES,
      4,
    ]);
    expect(slices.every((slice) => slice.hospitalId === hospitalId)).toBe(true);
    expect(slices.flatMap((slice) => slice.messageIds)).toEqual(messages.map((message) => message.id));
  });
});
