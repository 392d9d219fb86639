import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, isDomainError, type SiuMessageReceivedEventV1 } from '@bridge/contracts';
import { readSiuFrame } from '@bridge/hl7';
import { Bus, PoisonMessageError } from '@bridge/messaging';
import { SiuConnectionsRepository } from '../connections/siu-connections.repository';
import { siuReadSettings, type SiuConnectionSettings } from '../connections/siu-settings';
import {
  duplicateKeyOf,
  SiuMessagesRepository,
  type MessageOutcome,
  type StoredMessage,
} from '../messages/siu-messages.repository';
import { readMessageHeader } from '../runs/message-header';
import { SiuRunsRepository } from '../runs/siu-runs.repository';
import { SIU_OPTIONS, type SiuOptions } from '../siu.options';
import { patientInputWithoutValidation, validatedPatientInput, type PatientSource } from './patient-input';
import { PhysicianDirectory } from './physician.directory';
import { SiuMetrics } from '../runs/siu-metrics';
import {
  duplicate,
  failed,
  groupByHospital,
  holdBehindRetries,
  pending,
  settleLocalCopies,
  toApplyRequest,
  type MessageInBatch,
} from './message-in-batch';

export interface SiuDelivery {
  event: SiuMessageReceivedEventV1;
  /** 1 on the first delivery; the transport retries up to `maxAttempts`. */
  attempt: number;
}

/** ack: the message is finished (whatever its outcome); retry: try again later; dead: give up (DLQ). */
export type SiuVerdict =
  { kind: 'ack' } | { kind: 'retry'; reason: string } | { kind: 'dead'; reason: string };

/** How the transport is told: an Error retries the delivery, a PoisonMessageError dead-letters it. */
export function refusalOf(verdict: Exclude<SiuVerdict, { kind: 'ack' }>): Error {
  return verdict.kind === 'retry' ? new Error(verdict.reason) : new PoisonMessageError(verdict.reason);
}

/**
 * A slice's messages share one delivery: it is retried while any of them may still succeed (those finished
 * are skipped next time), dead-lettered when one cannot be found or ran out of attempts (recorded failed).
 */
export function sliceVerdict(verdicts: SiuVerdict[]): SiuVerdict {
  return (
    verdicts.find((verdict) => verdict.kind === 'retry') ??
    verdicts.find((verdict) => verdict.kind === 'dead') ?? { kind: 'ack' }
  );
}

/** Failures that can pass: the message is tried again rather than failed. */
const TRANSIENT_CODES = new Set([
  'RPC_TIMEOUT',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
  'HOSPITAL_TIMEOUT',
  'RATE_LIMITED',
]);
/** Long enough for a batch of a few hundred messages in one patient-import transaction. */
const APPLY_TIMEOUT_MS = 60_000;
const LOOKUP_TIMEOUT_MS = 35_000;

/**
 * Processes SIU messages a batch at a time (HL7-RULES 20-28): read each stored message by the hospital's
 * settings, resolve physician and patient, and have patient-import apply the batch (one transaction there,
 * each message atomic on its own, copies of applied messages told apart there: rule 27). Every message ends
 * processed, duplicate or failed with its reason; a failure that can pass is retried, and on the last attempt
 * recorded as failed and dead-lettered (ARCHITECTURE.md rule 6). Nothing here throws for one message:
 * verdicts are per message.
 */
@Injectable()
export class SiuMessageProcessor {
  private readonly logger = new Logger('SiuMessageProcessor');
  private readonly runSettings = new Map<string, SiuConnectionSettings>();

  constructor(
    private readonly messages: SiuMessagesRepository,
    private readonly runs: SiuRunsRepository,
    private readonly connections: SiuConnectionsRepository,
    private readonly physicians: PhysicianDirectory,
    private readonly bus: Bus,
    @Inject(SIU_OPTIONS) private readonly options: SiuOptions,
    private readonly metrics: SiuMetrics,
  ) {}

  async process(deliveries: SiuDelivery[]): Promise<SiuVerdict[]> {
    const ids = await Promise.all(deliveries.map((delivery) => this.storedId(delivery.event)));
    const stored = await this.messages.load(
      deliveries.map((delivery, index) => ({ hospitalId: delivery.event.hospitalId, messageId: ids[index] })),
    );
    const byId = new Map(stored.map((message) => [message.id, message]));
    const work = new Map<string, MessageInBatch>();
    for (const [index, delivery] of deliveries.entries()) {
      const message = byId.get(ids[index]);
      if (!message || message.status !== 'received') continue;
      const known = work.get(message.id);
      work.set(message.id, { message, attempt: Math.max(known?.attempt ?? 0, delivery.attempt) });
    }
    const items = await this.withWaitingPredecessors([...work.values()]);
    await this.read(items);
    await this.skipKnownDuplicates(items);
    await this.resolve(items);
    settleLocalCopies(items);
    await this.apply(items);
    await this.finish(items);
    return deliveries.map((_, index) => {
      const message = byId.get(ids[index]);
      if (!message) return { kind: 'dead', reason: 'no such SIU message' };
      const item = work.get(message.id);
      if (!item?.retry) return { kind: 'ack' };
      return item.attempt >= this.options.maxAttempts
        ? { kind: 'dead', reason: item.retry }
        : { kind: 'retry', reason: item.retry };
    });
  }

  /**
   * Rule 19 with competing consumers: a message is applied only after the messages of the same appointment
   * that come before it. Those still waiting are taken into this batch (ahead of it, in sequence order);
   * their own deliveries later find them done. Applying twice is harmless: patient-import answers a message
   * it applied with its first result.
   */
  private async withWaitingPredecessors(items: MessageInBatch[]): Promise<MessageInBatch[]> {
    const all = new Map(items.map((item) => [item.message.id, item]));
    for (const [hospitalId, group] of groupByHospital(items)) {
      const lastByKey = new Map<string, number>();
      for (const { message } of group) {
        if (message.appointmentKey === undefined) continue;
        lastByKey.set(
          message.appointmentKey,
          Math.max(lastByKey.get(message.appointmentKey) ?? 0, message.sequence),
        );
      }
      if (lastByKey.size === 0) continue;
      const waiting = await this.messages.waitingBefore(
        hospitalId,
        [...lastByKey.keys()],
        Math.max(...lastByKey.values()),
      );
      for (const message of waiting) {
        if (!all.has(message.id) && message.sequence < (lastByKey.get(message.appointmentKey!) ?? 0)) {
          all.set(message.id, { message, attempt: 0 });
        }
      }
    }
    return [...all.values()].sort((a, b) => a.message.sequence - b.message.sequence);
  }

  /** A file message is stored before its event; a real-time one arrives with its bytes and is stored now. */
  private async storedId(event: SiuMessageReceivedEventV1): Promise<string> {
    if (event.raw === undefined) return event.messageId;
    const raw = Buffer.from(event.raw, 'base64');
    return this.messages.storeRealtime(event.hospitalId, event.messageId, { ...readMessageHeader(raw), raw });
  }

  private async read(items: MessageInBatch[]): Promise<void> {
    for (const item of items) {
      const settings = await this.settingsOf(item.message);
      if (!settings) {
        item.outcome = failed(item, 'the hospital has no SIU connection');
        continue;
      }
      try {
        const read = readSiuFrame(item.message.raw, siuReadSettings(settings), { charset: settings.charset });
        if (read.ok) {
          item.appointment = read.appointment;
          if (item.message.controlId !== '') item.duplicateKey = duplicateKeyOf(read.duplicateKey);
        } else item.outcome = failed(item, `${read.code}: ${read.reason}`);
      } catch (error) {
        item.retry = `reading the message failed: ${describe(error)}`;
      }
    }
  }

  /**
   * Rule 27, by (MSH-3, MSH-4, MSH-10), is decided where a message takes effect: patient-import claims each
   * key in the transaction that applies its message, and answers a copy of an applied message as a duplicate
   * (a copy waits there for a first still being applied; a first that fails leaves the key free). What is left
   * here are the claims siu-ingestor holds itself: those taken before that change, and those of messages it
   * finishes itself (an ignored event without a usable patient). A copy of one of those is a duplicate; a copy
   * whose first is still on its way waits for it.
   */
  private async skipKnownDuplicates(items: MessageInBatch[]): Promise<void> {
    for (const [hospitalId, group] of groupByHospital(
      items.filter((item) => pending(item) && item.duplicateKey !== undefined),
    )) {
      const holders = await this.messages.heldKeys(
        hospitalId,
        group.map((item) => item.duplicateKey!),
      );
      const copies = group.filter((item) => {
        const holder = holders.get(item.duplicateKey!.digest);
        return holder !== undefined && holder !== item.message.id;
      });
      const statuses = await this.messages.statuses(
        hospitalId,
        copies.map((item) => holders.get(item.duplicateKey!.digest)!),
      );
      for (const item of copies) {
        const status = statuses.get(holders.get(item.duplicateKey!.digest)!);
        if (status === 'processed' || status === 'duplicate') item.outcome = duplicate(item);
        else
          item.retry =
            'waiting for the first copy of this message (same MSH-3, MSH-4, MSH-10) to be processed';
      }
    }
  }

  private async resolve(items: MessageInBatch[]): Promise<void> {
    await Promise.all(
      items.filter(pending).map(async (item) => {
        try {
          const settings = (await this.settingsOf(item.message))!;
          const code = item.appointment!.physicianCode;
          if (code !== undefined)
            item.physicianId = await this.physicians.resolve(item.message.hospitalId, code);
          item.demographics = await this.demographicsOf(item, settings);
          item.patient = patientInputWithoutValidation(item.demographics);
        } catch (error) {
          // An ignored event needs no patient (rule 25: it *may* create one): without a usable one it is done.
          if (
            item.appointment!.action === 'ignore' &&
            isDomainError(error) &&
            error.code === 'VALIDATION_FAILED'
          ) {
            item.outcome = {
              id: item.message.id,
              hospitalId: item.message.hospitalId,
              status: 'processed',
              action: 'ignore',
              ...(item.duplicateKey !== undefined ? { duplicateKey: item.duplicateKey.digest } : {}),
            };
            return;
          }
          this.fail(item, error);
        }
      }),
    );
  }

  /** Demographics from the message's PID, or (setting `demographics: query`) asked of the hospital for a new patient. */
  private async demographicsOf(
    item: MessageInBatch,
    settings: SiuConnectionSettings,
  ): Promise<PatientSource> {
    const appointment = item.appointment!;
    const hospitalId = item.message.hospitalId;
    if (settings.demographics === 'message') return appointment.patient;
    const patientCode = appointment.patient.patientCode!;
    const found = await this.bus.request('patients.search.v1', { hospitalId, criteria: { patientCode } });
    const existing = found.patients.find((patient) => patient.patientCode === patientCode);
    if (existing) return existing;
    const lookup = await this.bus.request(
      'imports.lookup.v1',
      { hospitalId, lookup: { patientCode }, requestedBy: 'siu-ingestor' },
      { timeoutMs: LOOKUP_TIMEOUT_MS },
    );
    const candidate = lookup.candidates.find((c) => c.patientCode === patientCode) ?? lookup.candidates[0];
    if (!candidate)
      throw new DomainError('PATIENT_NOT_FOUND_AT_HOSPITAL', 'The hospital does not know the patient.');
    return candidate;
  }

  private async apply(items: MessageInBatch[]): Promise<void> {
    for (const [hospitalId, group] of groupByHospital(items)) {
      for (let start = 0; start < group.length; start += this.options.applyBatch) {
        holdBehindRetries(items);
        const chunk = group.slice(start, start + this.options.applyBatch).filter(pending);
        if (chunk.length > 0) await this.applyChunk(hospitalId, chunk, items);
      }
    }
  }

  /**
   * One RPC for many messages. When the whole call is refused (not a bus outage), the messages are applied
   * one by one, so the refusal lands on the message that caused it and not on its neighbours.
   */
  private async applyChunk(
    hospitalId: string,
    chunk: MessageInBatch[],
    all: MessageInBatch[],
    options = { checked: false },
  ): Promise<void> {
    let results;
    try {
      results = (
        await this.bus.request(
          'appointments.apply.v2',
          { hospitalId, messages: chunk.map(toApplyRequest) },
          { timeoutMs: APPLY_TIMEOUT_MS },
        )
      ).results;
    } catch (error) {
      if (!options.checked && isDomainError(error) && error.code === 'VALIDATION_FAILED') {
        // A patient value the payload class refuses (an e-mail that is not one): those patients are checked
        // here, their unfit optional values dropped, and the chunk sent once more.
        this.checkPatients(chunk, error);
        const remaining = chunk.filter(pending);
        if (remaining.length > 0) await this.applyChunk(hospitalId, remaining, all, { checked: true });
        return;
      }
      const busDown =
        isDomainError(error) && (error.code === 'RPC_TIMEOUT' || error.code === 'SERVICE_UNAVAILABLE');
      if (chunk.length > 1 && !busDown) {
        for (const item of chunk) {
          holdBehindRetries(all);
          if (pending(item)) await this.applyChunk(hospitalId, [item], all);
        }
      } else {
        for (const item of chunk) this.fail(item, error);
      }
      return;
    }
    for (const [index, item] of chunk.entries()) {
      const result = results[index];
      if (result.ok && 'duplicateOf' in result) {
        item.outcome = duplicate(item);
      } else if (result.ok) {
        item.outcome = {
          id: item.message.id,
          hospitalId,
          status: 'processed',
          action: item.appointment!.action,
          patientId: result.patientId,
          ...(result.careFlowId ? { careFlowId: result.careFlowId } : {}),
          patientCreated: result.patientCreated,
          careFlowStarted: result.careFlowStarted,
          careFlowUpdated: result.careFlowUpdated,
          careFlowStopped: result.careFlowStopped,
        };
      } else if (result.retryable) {
        item.retry = `${result.error.code}: ${result.error.message}`;
      } else {
        item.outcome = failed(item, `${result.error.code}: ${result.error.message}`);
      }
    }
  }

  private checkPatients(chunk: MessageInBatch[], refusal: DomainError): void {
    const named = new Set(
      (refusal.details?.errors ?? [])
        .map((problem) => /^messages\.(\d+)\.patient\b/.exec(problem.field)?.[1])
        .filter((index): index is string => index !== undefined)
        .map(Number),
    );
    for (const [index, item] of chunk.entries()) {
      if (!named.has(index)) continue;
      try {
        item.patient = validatedPatientInput(item.demographics!);
      } catch (error) {
        this.fail(item, error);
      }
    }
  }

  /** Outcomes are recorded together; a message out of attempts is recorded failed before it is dead-lettered. */
  private async finish(items: MessageInBatch[]): Promise<void> {
    for (const item of items) {
      if (item.retry && item.attempt >= this.options.maxAttempts) {
        item.outcome = failed(item, `gave up after ${item.attempt} attempts: ${item.retry}`);
      }
    }
    const outcomes = items
      .filter((item) => item.outcome !== undefined)
      .map((item): MessageOutcome => ({ ...item.outcome!, runId: item.message.runId }));
    await this.messages.saveOutcomes(outcomes);
    for (const outcome of outcomes) this.metrics.message(outcome.hospitalId, outcome.status);
    const runIds = new Set(
      items.map((item) => item.message.runId).filter((id): id is string => id !== undefined),
    );
    for (const runId of runIds) await this.runs.finishIfDone(runId);
  }

  private fail(item: MessageInBatch, error: unknown): void {
    if (isDomainError(error) && !TRANSIENT_CODES.has(error.code)) {
      item.outcome = failed(item, `${error.code}: ${error.message}`);
    } else {
      item.retry = describe(error);
      if (!isDomainError(error))
        this.logger.warn({
          msg: 'SIU message will be retried',
          messageId: item.message.id,
          error: describe(error),
        });
    }
  }

  /**
   * A run reads all its messages by the settings it started with; a reprocessed or real-time message by the
   * hospital's current ones (after the admin fixed what made it fail).
   */
  private async settingsOf(message: StoredMessage): Promise<SiuConnectionSettings | undefined> {
    if (message.runId && !message.reprocessed) {
      let settings = this.runSettings.get(message.runId);
      if (!settings) {
        settings = await this.runs.settingsOf(message.hospitalId, message.runId);
        if (this.runSettings.size > 100) this.runSettings.clear();
        if (settings) this.runSettings.set(message.runId, settings);
      }
      return settings;
    }
    return (await this.connections.find(message.hospitalId))?.settings;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
