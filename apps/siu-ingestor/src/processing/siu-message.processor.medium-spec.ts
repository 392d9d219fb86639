import { randomBytes, randomUUID } from 'node:crypto';
import { DomainError, type AppointmentMessageV2, type SiuConnectionInputV1 } from '@bridge/contracts';
import { dataSourceOptions, openDataSource, SecretBox } from '@bridge/database';
import type { Bus } from '@bridge/messaging';
import { ServiceMetrics } from '@bridge/observability';
import { createTestDatabase } from '@bridge/testing';
import type { DataSource } from 'typeorm';
import { SiuConnectionsRepository } from '../connections/siu-connections.repository';
import { resolveSiuSettings } from '../connections/siu-settings';
import { duplicateKeyOf, SiuMessagesRepository } from '../messages/siu-messages.repository';
import { readMessageHeader } from '../runs/message-header';
import { SiuFilesRepository } from '../runs/siu-files.repository';
import { SiuMetrics } from '../runs/siu-metrics';
import { SiuRunsRepository } from '../runs/siu-runs.repository';
import { SIU_INGESTOR_SCHEMA, siuIngestorMigrations } from '../siu-ingestor.module';
import type { SiuOptions } from '../siu.options';
import { PhysicianDirectory } from './physician.directory';
import { SiuMessageProcessor, type SiuDelivery } from './siu-message.processor';
import { siuTestOutbox } from '../siu-outbox.spec-helpers';

/**
 * Medium test (docs/testing.md): the processor with its real repositories on a real PostgreSQL, migrated
 * by siu-ingestor's own migrations. Only what lies outside siu-ingestor is a stand-in: patient-import's
 * `appointments.apply.v2` and user-provisioning's physician lookup, answered by a fake bus. (How patient-import
 * tells a copy from its first, rule 27, is its own medium test's subject; here it is a map of keys.)
 */
const CONNECTION: SiuConnectionInputV1 = {
  source: { type: 'directory', path: '/srv/siu' },
  careFlowMap: [{ field: 'AIS-3.1', value: 'KNEE', careFlowDefinitionKey: 'knee-replacement' }],
};
const OPTIONS: SiuOptions = {
  superviseIntervalMs: 1000,
  staleMs: 1000,
  stallMs: 1000,
  applyBatch: 50,
  schedules: false,
  maxAttempts: 3,
};

function siu(
  controlId: string,
  options: { event?: string; appointment?: string; pid?: string; email?: string } = {},
): Buffer {
  const pid =
    options.pid ??
    `PID|1||P-${controlId}^^^AZ^MR||Peeters^Els^^^^^L||19800214|F|||||${options.email ? `^NET^Internet^${options.email}` : ''}`;
  return Buffer.from(
    [
      `MSH|^~\\&|AGENDA|AZ|CF|BR|20260401||SIU^${options.event ?? 'S12'}^SIU_S12|${controlId}|P|2.5`,
      `SCH||${options.appointment ?? `A-${controlId}`}`,
      pid,
      'AIS|1||KNEE^Knee',
      'AIP|1||DR1^Doc',
    ].join('\r') + '\r',
  );
}

type Apply = (request: { messages: AppointmentMessageV2[] }) => unknown;

/** Answers as patient-import does: each message applied, but one whose key a message applied before holds. */
function likePatientImport(): Apply {
  const holders = new Map<string, string>();
  return (request) => ({
    results: request.messages.map((message) => {
      const holder = message.duplicateKey && holders.get(message.duplicateKey);
      if (holder && holder !== message.messageId)
        return { messageId: message.messageId, ok: true, duplicateOf: holder };
      if (message.duplicateKey) holders.set(message.duplicateKey, message.messageId);
      return {
        messageId: message.messageId,
        ok: true,
        patientId: randomUUID(),
        patientCreated: true,
        careFlowStarted: true,
        careFlowUpdated: false,
        careFlowStopped: false,
        replayed: false,
      };
    }),
  });
}

describe('SiuMessageProcessor with its repositories on PostgreSQL (medium)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let box: SecretBox;

  beforeAll(async () => {
    database = await createTestDatabase();
    box = new SecretBox(randomBytes(32).toString('base64'));
    dataSource = await openDataSource(
      dataSourceOptions({
        schema: SIU_INGESTOR_SCHEMA,
        url: database.url,
        entities: [],
        migrations: siuIngestorMigrations(box),
      }),
      SIU_INGESTOR_SCHEMA,
    );
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  /** A hospital of its own per test, with its SIU connection saved and one run whose file holds `files`. */
  async function world(file: Buffer[]) {
    const hospitalId = randomUUID();
    const outbox = siuTestOutbox();
    const metrics = new SiuMetrics(new ServiceMetrics('siu-ingestor'));
    const messages = new SiuMessagesRepository(dataSource);
    const runs = new SiuRunsRepository(dataSource, metrics);
    const connections = new SiuConnectionsRepository(dataSource, box, outbox);
    const settings = resolveSiuSettings(CONNECTION);
    await connections.save(hospitalId, settings);

    const runId = randomUUID();
    await runs.insert({ id: runId, hospitalId, trigger: 'manual', settings });
    const ids: string[] = file.map(() => randomUUID());
    const target = { hospitalId, runId, fileId: randomUUID() };
    const files = new SiuFilesRepository(dataSource, outbox);
    await dataSource.transaction(async (manager) => {
      await files.insertFile(manager, { id: target.fileId, hospitalId, runId, name: 'day.hl7', size: 1 });
      await files.insertMessages(
        manager,
        target,
        file.map((raw, index) => ({ id: ids[index], position: index + 1, ...readMessageHeader(raw), raw })),
      );
      await files.completeFile(manager, target, { sha256: 'x', size: 1, messages: file.length });
    });
    await runs.fetched(hospitalId, runId);

    let apply: Apply = likePatientImport();
    const sent: AppointmentMessageV2[][] = [];
    const bus = {
      request: async (pattern: string, payload: { messages: AppointmentMessageV2[] }) => {
        if (pattern === 'users.physician.resolve.v1')
          throw new DomainError('PHYSICIAN_NOT_FOUND', 'No such physician.');
        if (pattern !== 'appointments.apply.v2') throw new Error(`unexpected ${pattern}`);
        sent.push(payload.messages);
        return apply(payload);
      },
    } as unknown as Bus;
    const processor = new SiuMessageProcessor(
      messages,
      runs,
      connections,
      new PhysicianDirectory(bus),
      bus,
      OPTIONS,
      metrics,
    );
    const deliver = (which: number[], attempt = 1): SiuDelivery[] =>
      which.map((index) => ({
        event: { hospitalId, messageId: ids[index], channel: 'siu-file' },
        attempt,
      }));
    /** Each message's status and reason as stored, in file order. */
    const stored = async () =>
      (
        (await dataSource.query(
          `SELECT l.id, l.status, l.reason FROM siu_ingestor.siu_message_log l
           JOIN siu_ingestor.siu_messages m ON m.id = l.id WHERE l.hospital_id = $1 ORDER BY m.seq`,
          [hospitalId],
        )) as { id: string; status: string; reason: string | null }[]
      ).map((row) => [ids.indexOf(row.id), row.status, row.reason]);
    const run = async () =>
      (
        (await dataSource.query(
          `SELECT status, received, processed, failed, duplicate, patients_created, care_flows_started
           FROM siu_ingestor.siu_runs WHERE id = $1`,
          [runId],
        )) as Record<string, unknown>[]
      )[0];
    /** A rule-27 claim siu-ingestor took itself (before patient-import took them: the key, not its digest). */
    const claimedHere = (controlId: string, messageIndex: number) =>
      dataSource.query(
        `INSERT INTO siu_ingestor.siu_processed_keys (hospital_id, duplicate_key, message_id) VALUES ($1, $2, $3)`,
        [hospitalId, JSON.stringify([['AGENDA'], ['AZ'], controlId]), ids[messageIndex]],
      );
    return {
      hospitalId,
      ids,
      claimedHere,
      processor,
      deliver,
      stored,
      run,
      sent,
      onApply(answer: Apply) {
        apply = answer;
      },
    };
  }

  it('processes a batch, records failures with their reason (rule 26) and duplicates (rule 27), and counts them on the run', async () => {
    const { processor, deliver, stored, run, sent, ids } = await world([
      siu('C1'),
      siu('C1'),
      siu('C3', { pid: 'PID|1' }),
    ]);
    expect(await processor.process(deliver([0, 1, 2]))).toEqual([
      { kind: 'ack' },
      { kind: 'ack' },
      { kind: 'ack' },
    ]);
    // Both copies go to patient-import with the same key (a digest); it answers the second as a duplicate.
    expect(sent.flat().map((message) => [message.messageId, message.duplicateKey])).toEqual([
      [ids[0], duplicateKeyOf(JSON.stringify([['AGENDA'], ['AZ'], 'C1'])).digest],
      [ids[1], duplicateKeyOf(JSON.stringify([['AGENDA'], ['AZ'], 'C1'])).digest],
    ]);
    expect(await stored()).toEqual([
      [0, 'processed', null],
      [1, 'duplicate', null],
      [2, 'failed', expect.stringContaining('SIU_NO_PATIENT_ID')],
    ]);
    // Every message ended: the run finishes, with its counts kept in the same statement as the outcomes.
    expect(await run()).toMatchObject({
      status: 'succeeded',
      received: 3,
      processed: 2,
      failed: 1,
      duplicate: 1,
      patients_created: 1,
      care_flows_started: 1,
    });
  });

  it('a copy of a message processed in an earlier batch is a duplicate; a redelivery changes nothing', async () => {
    const { processor, deliver, stored, run } = await world([siu('C1'), siu('C1')]);
    await processor.process(deliver([0]));
    expect(await processor.process(deliver([1]))).toEqual([{ kind: 'ack' }]);
    expect(await processor.process(deliver([0, 1], 2))).toEqual([{ kind: 'ack' }, { kind: 'ack' }]);
    expect(await stored()).toEqual([
      [0, 'processed', null],
      [1, 'duplicate', null],
    ]);
    expect(await run()).toMatchObject({ processed: 2, duplicate: 1, failed: 0 });
  });

  it('a message without MSH-10 carries no key: it is never a duplicate', async () => {
    const { processor, deliver, stored, sent } = await world([siu(''), siu('')]);
    expect(await processor.process(deliver([0, 1]))).toEqual([{ kind: 'ack' }, { kind: 'ack' }]);
    expect(sent.flat().map((message) => message.duplicateKey)).toEqual([undefined, undefined]);
    expect(await stored()).toEqual([
      [0, 'processed', null],
      [1, 'processed', null],
    ]);
  });

  it('a copy of a message that claimed its key here waits while it has not ended, then is a duplicate or takes its place', async () => {
    const { processor, deliver, stored, sent, ids, claimedHere, onApply } = await world([
      siu('C1'),
      siu('C1'),
      siu('C2'),
      siu('C2'),
    ]);
    await claimedHere('C1', 0);
    await claimedHere('C2', 2);
    onApply(() => {
      throw new DomainError('RPC_TIMEOUT', 'slow');
    });
    // The holders come along (earlier messages of the same appointments) and fail for now; the copies wait.
    expect(await processor.process(deliver([1, 3]))).toEqual([
      { kind: 'retry', reason: expect.stringContaining('first copy') },
      { kind: 'retry', reason: expect.stringContaining('first copy') },
    ]);
    expect(sent.flat().map((message) => message.messageId)).toEqual([ids[0], ids[2]]);
    // C1's holder fails for good and frees its key; C2's is processed (it holds its own key).
    expect(await processor.process(deliver([0], 3))).toEqual([{ kind: 'dead', reason: 'slow' }]);
    onApply(likePatientImport());
    expect(await processor.process(deliver([2], 2))).toEqual([{ kind: 'ack' }]);
    sent.length = 0;
    expect(await processor.process(deliver([1, 3], 2))).toEqual([{ kind: 'ack' }, { kind: 'ack' }]);
    expect(sent.flat().map((message) => message.messageId)).toEqual([ids[1]]);
    expect(await stored()).toEqual([
      [0, 'failed', expect.stringContaining('gave up after 3 attempts: slow')],
      [1, 'processed', null],
      [2, 'processed', null],
      [3, 'duplicate', null],
    ]);
  });

  it('an ignored event without a usable patient ends here and claims its key: its copies are duplicates', async () => {
    const ignored = (controlId: string) =>
      siu(controlId, { event: 'S26', pid: `PID|1||P-${controlId}^^^AZ^MR` });
    const { processor, deliver, stored, run, sent } = await world([
      ignored('C1'),
      ignored('C1'),
      ignored('C1'),
    ]);
    expect(await processor.process(deliver([0, 1]))).toEqual([{ kind: 'ack' }, { kind: 'ack' }]);
    expect(await processor.process(deliver([2]))).toEqual([{ kind: 'ack' }]);
    expect(sent).toEqual([]);
    expect(await stored()).toEqual([
      [0, 'processed', null],
      [1, 'duplicate', null],
      [2, 'duplicate', null],
    ]);
    expect(await run()).toMatchObject({ processed: 3, duplicate: 2, failed: 0 });
  });

  it('retries what may pass, recording nothing until the last attempt, then fails and dead-letters it', async () => {
    const { processor, deliver, stored, run, onApply } = await world([siu('C1')]);
    onApply(() => {
      throw new DomainError('RPC_TIMEOUT', 'patient-import did not answer');
    });
    expect(await processor.process(deliver([0], 1))).toEqual([
      { kind: 'retry', reason: 'patient-import did not answer' },
    ]);
    expect(await stored()).toEqual([[0, 'received', null]]);
    expect(await run()).toMatchObject({ status: 'running', processed: 0, failed: 0 });
    expect(await processor.process(deliver([0], 3))).toEqual([
      { kind: 'dead', reason: 'patient-import did not answer' },
    ]);
    expect(await stored()).toEqual([[0, 'failed', expect.stringContaining('gave up after 3 attempts')]]);
    expect(await run()).toMatchObject({ status: 'succeeded', failed: 1 });
  });

  it('takes waiting messages of the same appointment first, and holds later ones behind a retry', async () => {
    const { processor, deliver, sent, ids, onApply } = await world([
      siu('C1', { appointment: 'A' }),
      siu('C2', { event: 'S15', appointment: 'A' }),
    ]);
    onApply(() => {
      throw new DomainError('SERVICE_UNAVAILABLE', 'down');
    });
    // Only the stop was delivered, but its start is still waiting: both go, start first — and both wait.
    expect(await processor.process(deliver([1]))).toEqual([{ kind: 'retry', reason: 'down' }]);
    expect(sent.map((batch) => batch.map((message) => message.messageId))).toEqual([[ids[0], ids[1]]]);
  });

  it('stores a real-time message that arrives with its bytes (siu-mllp) once, however often it is delivered', async () => {
    const { processor, hospitalId, sent } = await world([]);
    const event = {
      hospitalId,
      messageId: randomUUID(),
      channel: 'siu-mllp' as const,
      raw: siu('RT1').toString('base64'),
    };
    expect(await processor.process([{ event, attempt: 1 }])).toEqual([{ kind: 'ack' }]);
    expect(await processor.process([{ event, attempt: 2 }])).toEqual([{ kind: 'ack' }]);
    const rows = (await dataSource.query(
      `SELECT m.id, m.channel, m.status, m.control_id FROM siu_ingestor.siu_message_log m
       JOIN siu_ingestor.siu_realtime_receipts r ON r.message_id = m.id
       WHERE r.hospital_id = $1 AND r.external_id = $2`,
      [hospitalId, event.messageId],
    )) as { id: string; channel: string; status: string; control_id: string }[];
    expect(rows).toEqual([
      { id: expect.any(String), channel: 'siu-mllp', status: 'processed', control_id: 'RT1' },
    ]);
    expect(sent.flat().map((message) => message.messageId)).toEqual([rows[0].id]);
  });

  it('when patient-import refuses a patient value, drops it for that message only and applies the batch', async () => {
    const { processor, deliver, sent, stored, onApply } = await world([
      siu('C1'),
      siu('C2', { email: 'not-an-email' }),
    ]);
    onApply((request) => {
      if (request.messages.some((message) => message.patient.email === 'not-an-email')) {
        throw new DomainError('VALIDATION_FAILED', 'Invalid request', {
          errors: [{ field: 'messages.1.patient.email', message: 'email must be an email' }],
        });
      }
      return likePatientImport()(request);
    });
    expect(await processor.process(deliver([0, 1]))).toEqual([{ kind: 'ack' }, { kind: 'ack' }]);
    expect(sent).toHaveLength(2);
    expect(sent[1].map((message) => message.patient.email)).toEqual([undefined, undefined]);
    expect(await stored()).toEqual([
      [0, 'processed', null],
      [1, 'processed', null],
    ]);
  });
});
