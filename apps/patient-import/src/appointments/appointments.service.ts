import { Injectable } from '@nestjs/common';
import {
  isDomainError,
  type AppointmentMessageAppliedV1,
  type AppointmentMessageResultV2,
  type AppointmentMessageV1,
  type AppointmentMessageV2,
  type DomainError,
  type PatientInputV1,
} from '@bridge/contracts';
import { isUniqueViolation } from '@bridge/database';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { CareFlowDefinitionsService } from '../care-flow-definitions/care-flow-definitions.service';
import { BatchPositions } from '../patient-trace/patient-events';
import type { NewPatientEvent } from '../patient-trace/patient-events.repository';
import { AppliedMessagesRepository, type AppliedSiuMessage } from './applied-messages.repository';
import { planCareFlowChange, replayAppointment, type AppointmentMessage } from './appointment-replay';
import { AppointmentsRepository } from './appointments.repository';
import {
  SiuCareFlowsRepository,
  type NewSiuCareFlow,
  type StoredCareFlow,
} from './siu-care-flows.repository';
import { SiuPatientsRepository } from './siu-patients.repository';

/** Rolled back and run again when a concurrent transaction raced it; a third race is an error. */
const CONCURRENT_APPLY_ATTEMPTS = 3;

/** A care flow as this batch leaves it. */
interface WorkingCareFlow extends StoredCareFlow {
  isNew: boolean;
  createdBy?: string;
  changed: boolean;
  stopReason?: string;
}

/**
 * SIU messages -> patients, appointments and care flows (HL7-RULES 25-27), for siu-ingestor. A batch is one
 * transaction of set-based statements (one commit and a dozen round trips for a hundred messages, which is
 * what batch ingest needs); every message in it is still applied whole or not at all, and a message that
 * cannot be applied (an unknown care-flow definition) fails alone before anything is written (rule 26).
 * Rule 27 at this end: a message applied before answers its first result (redelivery changes nothing), and a
 * message whose (MSH-3, MSH-4, MSH-10) key an applied message holds is a duplicate and changes nothing; the
 * key is claimed in the transaction that applies the message, so a first copy that fails leaves it free.
 */
@Injectable()
export class AppointmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly patients: SiuPatientsRepository,
    private readonly appointments: AppointmentsRepository,
    private readonly careFlows: SiuCareFlowsRepository,
    private readonly applied: AppliedMessagesRepository,
    private readonly definitions: CareFlowDefinitionsService,
  ) {}

  async apply(hospitalId: string, messages: AppointmentMessageV2[]): Promise<AppointmentMessageResultV2[]> {
    const results = new Map<string, AppointmentMessageResultV2>();
    const unique = [...new Map(messages.map((message) => [message.messageId, message])).values()];
    const missing = await this.missingDefinitions(hospitalId, unique);
    const applicable = unique.filter((message) => {
      const key = message.appointment?.careFlowDefinitionKey;
      const refusal = key === undefined ? undefined : missing.get(key);
      if (refusal)
        results.set(message.messageId, {
          messageId: message.messageId,
          ok: false,
          error: refusal.toPayload(),
          retryable: false,
        });
      return !refusal;
    });
    if (applicable.length > 0) {
      for (const result of await this.applyOnce(hospitalId, applicable))
        results.set(result.messageId, result);
    }
    return messages.map((message) => results.get(message.messageId)!);
  }

  /**
   * One transaction; when a concurrent one applied some of the same messages first (rare: a redelivery racing
   * its first delivery), it is rolled back whole and run again, and then finds their results. Competing
   * consumers on one appointment or one key do not race: its lock makes the second wait for the first to commit.
   */
  private async applyOnce(
    hospitalId: string,
    messages: AppointmentMessageV2[],
  ): Promise<AppointmentMessageResultV2[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction((manager) => this.applyAll(manager, hospitalId, messages));
      } catch (error) {
        const raced = error instanceof ConcurrentApply || isUniqueViolation(error);
        if (!raced || attempt >= CONCURRENT_APPLY_ATTEMPTS) throw error;
      }
    }
  }

  private async applyAll(
    manager: EntityManager,
    hospitalId: string,
    all: AppointmentMessageV2[],
  ): Promise<AppointmentMessageResultV2[]> {
    // Locks first (keys and appointments, one statement), then what is already claimed: a copy whose first is
    // being applied by another transaction waits here for it, then sees it.
    const duplicateKeys = [...new Set(all.map((message) => message.duplicateKey).filter(isDefined))];
    await this.appointments.lockBatch(manager, hospitalId, {
      appointmentIds: [...new Set(all.filter(actsOnAppointment).map((m) => m.appointment!.appointmentId))],
      duplicateKeys,
    });
    const claims = await this.applied.claims(
      manager,
      hospitalId,
      all.map((message) => message.messageId),
      duplicateKeys,
    );
    const answered: AppointmentMessageResultV2[] = [];
    const messages: AppointmentMessageV2[] = [];
    for (const message of [...all].sort((a, b) => a.sequence - b.sequence)) {
      const first = claims.results.get(message.messageId);
      const holder =
        message.duplicateKey === undefined ? undefined : claims.holders.get(message.duplicateKey);
      if (first) answered.push({ ...first, replayed: true });
      else if (holder) answered.push({ messageId: message.messageId, ok: true, duplicateOf: holder });
      else {
        // The batch's first message with a key claims it; a later copy in the batch is its duplicate.
        if (message.duplicateKey !== undefined) claims.holders.set(message.duplicateKey, message.messageId);
        messages.push(message);
      }
    }
    if (messages.length === 0) return answered;

    // The batch's events name the previous event of their patient (webhook order per patient).
    const positions = new BatchPositions();
    const patients = await this.patients.upsertPatients(
      manager,
      hospitalId,
      latestPerPatient(messages),
      positions,
    );
    const results = new Map<string, AppointmentMessageAppliedV1>();
    const firstOfPatient = new Set<string>();
    for (const message of messages) {
      const patient = patients.get(message.patient.patientCode)!;
      const first = !firstOfPatient.has(message.patient.patientCode);
      firstOfPatient.add(message.patient.patientCode);
      results.set(message.messageId, {
        messageId: message.messageId,
        ok: true,
        patientId: patient.id,
        patientCreated: patient.created && first,
        careFlowStarted: false,
        careFlowUpdated: false,
        careFlowStopped: false,
        replayed: false,
      });
    }
    const acting = await this.applyToAppointments(manager, hospitalId, messages, results, positions);
    // One row per message, last: its trace entry, its claim with its result and key (a message applied
    // meanwhile rolls this transaction back) and its appointment history entry. The rows also carry each
    // patient's latest event: the patient's next event names it as predecessor.
    const rows = positions.carry(
      messages.map((message): AppliedSiuMessage => {
        const result = results.get(message.messageId)!;
        const appointment = acting.get(message.messageId);
        return {
          ...traceOf(message, result),
          messageId: message.messageId,
          result,
          ...(message.duplicateKey !== undefined ? { duplicateKey: message.duplicateKey } : {}),
          ...(appointment ? { appointment } : {}),
        };
      }),
    );
    const recorded = await this.applied.record(manager, hospitalId, rows);
    if (recorded < rows.length) throw new ConcurrentApply();
    return [...results.values(), ...answered];
  }

  /**
   * Rule 25 per appointment: each message of the batch, in sequence order, is replayed with the appointment's
   * history and the care flow brought in line; its effects are recorded on the message. The database then
   * receives the final state in a few statements. Answers the messages that acted on an appointment, by id,
   * as its history keeps them (written with the message's row).
   */
  private async applyToAppointments(
    manager: EntityManager,
    hospitalId: string,
    messages: AppointmentMessageV1[],
    results: Map<string, AppointmentMessageAppliedV1>,
    positions: BatchPositions,
  ): Promise<Map<string, AppointmentMessage & { appointmentId: string }>> {
    const acting = messages.filter(actsOnAppointment).map((message) => ({
      ...toAppointmentMessage(message, results.get(message.messageId)!.patientId),
      appointmentId: message.appointment!.appointmentId,
    }));
    if (acting.length === 0) return new Map();
    const appointmentIds = [...new Set(acting.map((message) => message.appointmentId))];
    const histories = await this.appointments.history(manager, hospitalId, appointmentIds);
    const stored = await this.careFlows.lockCareFlowsOfAppointments(manager, hospitalId, appointmentIds);

    const inBatch = new Set(acting.map((message) => message.messageId));
    const finals: { appointmentId: string; flow: WorkingCareFlow }[] = [];
    for (const appointmentId of appointmentIds) {
      const history = (histories.get(appointmentId) ?? []).filter(
        (message) => !inBatch.has(message.messageId),
      );
      const existing = stored.get(appointmentId);
      let flow: WorkingCareFlow | undefined = existing && { ...existing, isNew: false, changed: false };
      for (const message of acting.filter((m) => m.appointmentId === appointmentId)) {
        history.push(message);
        const desired = replayAppointment(history);
        const plan = planCareFlowChange(desired, flow);
        const result = results.get(message.messageId)!;
        if (plan.insert && desired) {
          flow = {
            id: randomUUID(),
            patientId: desired.patientId,
            definitionKey: desired.definitionKey,
            status: 'active',
            physicianId: desired.physicianId,
            physicianCode: desired.physicianCode,
            baseline: desired.baseline,
            isNew: true,
            createdBy: desired.createdBy,
            changed: false,
          };
          result.careFlowStarted = true;
        }
        if (plan.update && flow) {
          flow = { ...flow, ...plan.update, changed: !flow.isNew };
          result.careFlowUpdated = true;
        }
        if (plan.stopReason && flow) {
          flow = { ...flow, status: 'stopped', stopReason: plan.stopReason };
          result.careFlowStopped = true;
        }
      }
      if (flow) {
        finals.push({ appointmentId, flow });
        for (const message of acting.filter((m) => m.appointmentId === appointmentId)) {
          results.get(message.messageId)!.careFlowId = flow.id;
        }
      }
    }
    await this.write(manager, hospitalId, finals, positions);
    return new Map(acting.map((message) => [message.messageId, message]));
  }

  private async write(
    manager: EntityManager,
    hospitalId: string,
    finals: { appointmentId: string; flow: WorkingCareFlow }[],
    positions: BatchPositions,
  ): Promise<void> {
    const inserts: NewSiuCareFlow[] = finals
      .filter(({ flow }) => flow.isNew)
      .map(({ appointmentId, flow }) => ({
        id: flow.id,
        patientId: flow.patientId,
        definitionKey: flow.definitionKey,
        physicianId: flow.physicianId,
        physicianCode: flow.physicianCode,
        baseline: flow.baseline,
        appointmentId,
        messageId: flow.createdBy!,
      }));
    await this.careFlows.insertCareFlows(manager, hospitalId, inserts, positions);
    await this.careFlows.updateCareFlows(
      manager,
      hospitalId,
      finals.filter(({ flow }) => flow.changed).map(({ flow }) => flow),
      positions,
    );
    await this.careFlows.stopCareFlows(
      manager,
      hospitalId,
      finals
        .filter(({ flow }) => flow.stopReason !== undefined)
        .map(({ flow }) => ({ id: flow.id, reason: flow.stopReason! })),
      positions,
    );
  }

  /** Checked before any write: a message naming an unknown care-flow definition fails without side effects. */
  private async missingDefinitions(
    hospitalId: string,
    messages: AppointmentMessageV1[],
  ): Promise<Map<string, DomainError>> {
    const keys = new Set(
      messages
        .map((message) => message.appointment?.careFlowDefinitionKey)
        .filter((key): key is string => key !== undefined),
    );
    const missing = new Map<string, DomainError>();
    for (const key of keys) {
      try {
        await this.definitions.get(hospitalId, key);
      } catch (error) {
        if (!isDomainError(error) || error.code !== 'CARE_FLOW_DEFINITION_NOT_FOUND') throw error;
        missing.set(key, error);
      }
    }
    return missing;
  }
}

/** A concurrent transaction applied one of the messages first. */
class ConcurrentApply extends Error {
  constructor() {
    super('a concurrent transaction applied the same SIU messages first');
  }
}

/**
 * The patient's trace of one applied message: the message, then each care-flow change it made, stored on the
 * message's row (one row write per message, PatientEventsRepository.page reads them back as entries).
 */
function traceOf(message: AppointmentMessageV1, result: AppointmentMessageAppliedV1): NewPatientEvent {
  const event = `SIU ${message.appointment?.event ?? 'message'}`;
  const common = {
    patientId: result.patientId,
    messageId: message.messageId,
    ...(message.channel ? { channel: message.channel } : {}),
  };
  const changes = [
    { happened: result.careFlowStarted, kind: 'careflow.started', verb: 'started' },
    { happened: result.careFlowUpdated, kind: 'careflow.updated', verb: 'updated' },
    { happened: result.careFlowStopped, kind: 'careflow.stopped', verb: 'stopped' },
  ] as const;
  const moreEntries = changes
    .filter((change) => change.happened)
    .map((change) => ({ kind: change.kind, summary: `Care flow ${change.verb} by ${event}` }));
  return {
    ...common,
    kind: 'siu',
    ...(result.careFlowId ? { careFlowId: result.careFlowId } : {}),
    summary: `${event}: patient ${result.patientCreated ? 'created' : 'updated'}`,
    ...(moreEntries.length > 0 ? { moreEntries } : {}),
  };
}

function actsOnAppointment(message: AppointmentMessageV1): boolean {
  return message.appointment !== undefined && message.appointment.action !== 'ignore';
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/** One upsert per patient code: the demographics of its latest message in the batch. */
function latestPerPatient(messages: AppointmentMessageV1[]): PatientInputV1[] {
  const latest = new Map<string, PatientInputV1>();
  for (const message of messages) {
    const { careFlow: _careFlow, ...patient } = message.patient;
    latest.set(patient.patientCode, patient);
  }
  return [...latest.values()];
}

function toAppointmentMessage(message: AppointmentMessageV1, patientId: string): AppointmentMessage {
  const action = message.appointment!;
  return {
    messageId: message.messageId,
    sequence: message.sequence,
    event: action.event,
    action: action.action,
    patientId,
    baseline: action.baseline,
    ...(action.careFlowDefinitionKey !== undefined ? { definitionKey: action.careFlowDefinitionKey } : {}),
    ...(action.physicianId !== undefined ? { physicianId: action.physicianId } : {}),
    ...(action.physicianCode !== undefined ? { physicianCode: action.physicianCode } : {}),
  };
}
