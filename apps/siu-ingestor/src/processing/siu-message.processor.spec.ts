import { ServiceMetrics } from '@bridge/observability';
import { SiuMetrics } from '../runs/siu-metrics';
import { DomainError, type AppointmentMessageV1 } from '@bridge/contracts';
import type { Bus } from '@bridge/messaging';
import type { SiuConnectionsRepository } from '../connections/siu-connections.repository';
import { resolveSiuSettings } from '../connections/siu-settings';
import type {
  MessageOutcome,
  SiuMessagesRepository,
  StoredMessage,
} from '../messages/siu-messages.repository';
import type { SiuRunsRepository } from '../runs/siu-runs.repository';
import type { SiuOptions } from '../siu.options';
import type { PhysicianDirectory } from './physician.directory';
import { SiuMessageProcessor, type SiuDelivery } from './siu-message.processor';

const HOSPITAL = '6f1c8f46-6a5a-4d3e-9d9e-3f1b2d4c5a6b';
const RUN = '6f1c8f46-6a5a-4d3e-9d9e-000000000001';
const settings = resolveSiuSettings({
  source: { type: 'directory', path: '/srv/siu' },
  careFlowMap: [{ field: 'AIS-3.1', value: 'KNEE', careFlowDefinitionKey: 'knee-replacement' }],
});

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

/** An in-memory stand-in for the repositories and the bus, recording what the processor does. */
function world(messages: { id: string; raw: Buffer; appointmentKey?: string }[]) {
  const stored = new Map<string, StoredMessage>(
    messages.map((message, index) => [
      message.id,
      {
        id: message.id,
        hospitalId: HOSPITAL,
        runId: RUN,
        channel: 'siu-file',
        sequence: index + 1,
        status: 'received',
        controlId: message.raw.toString('latin1').split('|')[9],
        raw: message.raw,
        reprocessed: false,
        ...(message.appointmentKey ? { appointmentKey: message.appointmentKey } : {}),
      },
    ]),
  );
  const keys = new Map<string, string>();
  const outcomes: MessageOutcome[] = [];
  const applied: AppointmentMessageV1[][] = [];
  let apply: (request: { messages: AppointmentMessageV1[] }) => unknown = (request) => ({
    results: request.messages.map((message) => ({
      messageId: message.messageId,
      ok: true,
      patientId: 'p',
      patientCreated: true,
      careFlowStarted: true,
      careFlowUpdated: false,
      careFlowStopped: false,
      replayed: false,
    })),
  });
  const repository = {
    storeRealtime: async (
      _hospital: string,
      externalId: string,
      message: { raw: Buffer; controlId: string },
    ) => {
      const id = `stored-${externalId}`;
      stored.set(id, {
        id,
        hospitalId: HOSPITAL,
        channel: 'siu-mllp',
        sequence: stored.size + 1,
        status: 'received',
        controlId: message.controlId,
        raw: message.raw,
        reprocessed: false,
      });
      return id;
    },
    load: async (wanted: { messageId: string }[]) =>
      wanted.map((key) => stored.get(key.messageId)).filter(Boolean),
    waitingBefore: async (_hospital: string, appointmentKeys: string[], before: number) =>
      [...stored.values()].filter(
        (message) =>
          message.status === 'received' &&
          appointmentKeys.includes(message.appointmentKey!) &&
          message.sequence < before,
      ),
    statuses: async (_hospital: string, ids: string[]) =>
      new Map(ids.map((id) => [id, stored.get(id)?.status])),
    claimKeys: async (_hospital: string, claims: { key: string; messageId: string }[]) => {
      for (const claim of claims) if (!keys.has(claim.key)) keys.set(claim.key, claim.messageId);
      return keys;
    },
    saveOutcomes: async (saved: MessageOutcome[]) => {
      for (const outcome of saved) {
        outcomes.push(outcome);
        stored.get(outcome.id)!.status = outcome.status;
        // As the repository does: a failed message gives its rule-27 key up.
        for (const [key, holder] of keys)
          if (outcome.status === 'failed' && holder === outcome.id) keys.delete(key);
      }
    },
  } as unknown as SiuMessagesRepository;
  const bus = {
    request: async (pattern: string, payload: { messages: AppointmentMessageV1[] }) => {
      if (pattern !== 'appointments.apply.v1') throw new Error(`unexpected ${pattern}`);
      applied.push(payload.messages);
      return apply(payload);
    },
  } as unknown as Bus;
  const options: SiuOptions = {
    superviseIntervalMs: 1000,
    staleMs: 1000,
    stallMs: 1000,
    applyBatch: 50,
    schedules: false,
    maxAttempts: 3,
  };
  const processor = new SiuMessageProcessor(
    repository,
    { settingsOf: async () => settings, finishIfDone: async () => false } as unknown as SiuRunsRepository,
    { find: async () => ({ settings }) } as unknown as SiuConnectionsRepository,
    { resolve: async () => undefined } as unknown as PhysicianDirectory,
    bus,
    options,
    new SiuMetrics(new ServiceMetrics('siu-ingestor')),
  );
  const deliver = (ids: string[], attempt = 1): SiuDelivery[] =>
    ids.map((messageId) => ({ event: { hospitalId: HOSPITAL, messageId, channel: 'siu-file' }, attempt }));
  return {
    processor,
    deliver,
    outcomes,
    applied,
    onApply(answer: typeof apply) {
      apply = answer;
    },
  };
}

describe('SiuMessageProcessor', () => {
  it('processes a batch, records failures with their reason (rule 26) and duplicates (rule 27)', async () => {
    const { processor, deliver, outcomes, applied } = world([
      { id: 'm1', raw: siu('C1') },
      { id: 'm2', raw: siu('C1') },
      { id: 'm3', raw: siu('C3', { pid: 'PID|1' }) },
    ]);
    expect(await processor.process(deliver(['m1', 'm2', 'm3']))).toEqual([
      { kind: 'ack' },
      { kind: 'ack' },
      { kind: 'ack' },
    ]);
    expect(applied.flat().map((message) => message.messageId)).toEqual(['m1']);
    expect(outcomes.map((outcome) => [outcome.id, outcome.status])).toEqual([
      ['m1', 'processed'],
      ['m2', 'duplicate'],
      ['m3', 'failed'],
    ]);
    expect(outcomes[2]).toMatchObject({ reason: expect.stringContaining('SIU_NO_PATIENT_ID') });
  });

  it('a copy of a message processed in an earlier batch is a duplicate', async () => {
    const { processor, deliver, outcomes } = world([
      { id: 'm1', raw: siu('C1') },
      { id: 'm2', raw: siu('C1') },
    ]);
    await processor.process(deliver(['m1']));
    expect(await processor.process(deliver(['m2']))).toEqual([{ kind: 'ack' }]);
    expect(outcomes.map((outcome) => [outcome.id, outcome.status])).toEqual([
      ['m1', 'processed'],
      ['m2', 'duplicate'],
    ]);
  });

  it('a copy waits while its first has not ended, and is processed in its place when the first fails', async () => {
    const { processor, deliver, outcomes, onApply } = world([
      { id: 'm1', raw: siu('C1') },
      { id: 'm2', raw: siu('C1') },
    ]);
    onApply(() => {
      throw new DomainError('RPC_TIMEOUT', 'slow');
    });
    expect(await processor.process(deliver(['m1', 'm2']))).toEqual([
      { kind: 'retry', reason: 'slow' },
      { kind: 'retry', reason: expect.stringContaining('first copy') },
    ]);
    // The first gives up for good: its key is free, and the copy is processed.
    expect(await processor.process(deliver(['m1'], 3))).toEqual([{ kind: 'dead', reason: 'slow' }]);
    onApply((request) => ({
      results: request.messages.map((message) => ({
        messageId: message.messageId,
        ok: true,
        patientId: 'p',
        patientCreated: true,
        careFlowStarted: true,
        careFlowUpdated: false,
        careFlowStopped: false,
        replayed: false,
      })),
    }));
    expect(await processor.process(deliver(['m2'], 2))).toEqual([{ kind: 'ack' }]);
    expect(outcomes.map((outcome) => [outcome.id, outcome.status])).toEqual([
      ['m1', 'failed'],
      ['m2', 'processed'],
    ]);
  });

  it('retries what may pass, and on the last attempt records the message failed and dead-letters it', async () => {
    const { processor, deliver, outcomes, onApply } = world([{ id: 'm1', raw: siu('C1') }]);
    onApply(() => {
      throw new DomainError('RPC_TIMEOUT', 'patient-import did not answer');
    });
    expect(await processor.process(deliver(['m1'], 1))).toEqual([
      { kind: 'retry', reason: 'patient-import did not answer' },
    ]);
    expect(outcomes).toEqual([]);
    expect(await processor.process(deliver(['m1'], 3))).toEqual([
      { kind: 'dead', reason: 'patient-import did not answer' },
    ]);
    expect(outcomes).toEqual([
      expect.objectContaining({
        id: 'm1',
        status: 'failed',
        reason: expect.stringContaining('gave up after 3 attempts'),
      }),
    ]);
  });

  it('takes waiting messages of the same appointment first, and holds later ones behind a retry', async () => {
    const { processor, deliver, applied, onApply } = world([
      { id: 'm1', raw: siu('C1', { appointment: 'A' }), appointmentKey: 'A' },
      { id: 'm2', raw: siu('C2', { event: 'S15', appointment: 'A' }), appointmentKey: 'A' },
    ]);
    onApply(() => {
      throw new DomainError('SERVICE_UNAVAILABLE', 'down');
    });
    // Only the stop was delivered, but its start is still waiting: both go, start first — and both wait when it cannot.
    expect(await processor.process(deliver(['m2']))).toEqual([{ kind: 'retry', reason: 'down' }]);
    expect(applied.map((batch) => batch.map((message) => message.messageId))).toEqual([['m1', 'm2']]);
  });

  it('stores a real-time message that arrives with its bytes (siu-mllp), then processes it like a file message', async () => {
    const { processor, outcomes, applied } = world([]);
    const event = {
      hospitalId: HOSPITAL,
      messageId: '6f1c8f46-6a5a-4d3e-9d9e-00000000000a',
      channel: 'siu-mllp' as const,
      raw: siu('RT1').toString('base64'),
    };
    expect(await processor.process([{ event, attempt: 1 }])).toEqual([{ kind: 'ack' }]);
    expect(applied.flat().map((message) => message.messageId)).toEqual([`stored-${event.messageId}`]);
    expect(outcomes).toEqual([
      expect.objectContaining({ id: `stored-${event.messageId}`, status: 'processed' }),
    ]);
  });

  it('when patient-import refuses a patient value, drops it for that message only and applies the batch', async () => {
    const { processor, deliver, applied, outcomes, onApply } = world([
      { id: 'm1', raw: siu('C1') },
      { id: 'm2', raw: siu('C2', { email: 'not-an-email' }) },
    ]);
    let calls = 0;
    onApply((request) => {
      calls += 1;
      if (request.messages.some((message) => message.patient.email === 'not-an-email')) {
        throw new DomainError('VALIDATION_FAILED', 'Invalid request', {
          errors: [{ field: 'messages.1.patient.email', message: 'email must be an email' }],
        });
      }
      return {
        results: request.messages.map((message) => ({
          messageId: message.messageId,
          ok: true,
          patientId: 'p',
          patientCreated: true,
          careFlowStarted: true,
          careFlowUpdated: false,
          careFlowStopped: false,
          replayed: false,
        })),
      };
    });
    expect(await processor.process(deliver(['m1', 'm2']))).toEqual([{ kind: 'ack' }, { kind: 'ack' }]);
    expect(calls).toBe(2);
    expect(applied[1].map((message) => message.patient.email)).toEqual([undefined, undefined]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['processed', 'processed']);
  });
});
