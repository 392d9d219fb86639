import { SecretBox } from '@bridge/database';
import { createTestDatabase, openMigrated } from '@bridge/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SiuMessageLogRepository } from '../messages/siu-message-log.repository';
import { SiuMessagesRepository } from '../messages/siu-messages.repository';
import { SIU_INGESTOR_SCHEMA, siuIngestorMigrations } from '../siu-ingestor.module';
import { MessageOutcomes1796250000000 } from './1796250000000-message-outcomes';
import { siuTestOutbox } from '../siu-outbox.spec-helpers';

/**
 * Medium test (docs/testing.md): messages stored before their outcomes moved to `siu_message_outcomes` keep
 * them — the message log shows the same statuses, a failed one can still be reprocessed, and a `received`
 * one is still waiting.
 */
describe('MessageOutcomes migration (medium)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource | undefined;

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('moves the outcomes of existing messages and the log reads them as before', async () => {
    database = await createTestDatabase();
    const all = siuIngestorMigrations(new SecretBox(randomBytes(32).toString('base64')));
    const before = all.filter((migration) => migration !== MessageOutcomes1796250000000);
    expect(before).toHaveLength(all.length - 1);
    const old = await openMigrated(database.url, SIU_INGESTOR_SCHEMA, before);
    const hospitalId = randomUUID();
    const [processed, failed, received] = [randomUUID(), randomUUID(), randomUUID()];
    const careFlowId = randomUUID();
    for (const [id, status, reason, careFlow] of [
      [processed, 'processed', null, careFlowId],
      [failed, 'failed', 'PID-5 missing', null],
      [received, 'received', null, null],
    ] as const) {
      await old.query(
        `INSERT INTO siu_ingestor.siu_messages (id, hospital_id, channel, type, control_id, sending_application,
           sending_facility, appointment_key, raw, status, reason, care_flow_id, care_flow_started)
         VALUES ($1::uuid, $2, 'siu-file', 'SIU^S12', $1::text, 'APP', 'FAC', 'A1', 'MSH|', $3::text, $4, $5, $3::text = 'processed')`,
        [id, hospitalId, status, reason, careFlow],
      );
    }
    await old.destroy();

    dataSource = await openMigrated(database.url, SIU_INGESTOR_SCHEMA, all);
    const messages = new SiuMessagesRepository(dataSource);
    const messageLog = new SiuMessageLogRepository(dataSource, siuTestOutbox());
    const log = await messageLog.list({ hospitalId });
    expect(
      Object.fromEntries(log.map((entry) => [entry.id, [entry.status, entry.error, entry.careFlowId]])),
    ).toEqual({
      [processed]: ['processed', undefined, careFlowId],
      [failed]: ['failed', 'PID-5 missing', undefined],
      [received]: ['received', undefined, undefined],
    });
    expect((await messageLog.find(processed))?.summary).toMatchObject({ careFlowStarted: true });
    expect(
      (await messages.waitingBefore(hospitalId, ['A1'], Number.MAX_SAFE_INTEGER)).map((m) => m.id),
    ).toEqual([received]);
    expect(await messageLog.reprocess(hospitalId, failed)).toMatchObject({ id: failed, status: 'received' });
    expect((await messages.load([{ hospitalId, messageId: failed }]))[0].status).toBe('received');
  });
});
