import type { AppointmentMessageV2, PatientInputV1 } from '@bridge/contracts';
import type { SiuAppointment } from '@bridge/hl7';
import type { DuplicateKey, MessageOutcome, StoredMessage } from '../messages/siu-messages.repository';
import type { PatientSource } from './patient-input';

/** One message on its way through a batch, and what became of it. */
export interface MessageInBatch {
  message: StoredMessage;
  attempt: number;
  appointment?: SiuAppointment;
  /** (MSH-3, MSH-4, MSH-10), rule 27; absent without MSH-10 (such a message is never a duplicate). */
  duplicateKey?: DuplicateKey;
  demographics?: PatientSource;
  patient?: PatientInputV1;
  physicianId?: string;
  outcome?: MessageOutcome;
  retry?: string;
}

/** A message must not overtake an earlier one of its appointment that is to be tried again: it waits too. */
export function holdBehindRetries(items: MessageInBatch[]): void {
  const firstRetry = new Map<string, number>();
  for (const item of items) {
    const key = item.message.appointmentKey;
    if (
      item.retry !== undefined &&
      key !== undefined &&
      !(item.message.sequence >= (firstRetry.get(key) ?? Infinity))
    ) {
      firstRetry.set(key, item.message.sequence);
    }
  }
  for (const item of items) {
    const key = item.message.appointmentKey;
    if (pending(item) && key !== undefined && item.message.sequence > (firstRetry.get(key) ?? Infinity)) {
      item.retry = 'waiting for an earlier message of the same appointment';
    }
  }
}

/**
 * Copies in one batch of a message finished here (an ignored event without a usable patient, which never
 * reaches patient-import): the first claims the key with its outcome, the later ones are its duplicates.
 */
export function settleLocalCopies(items: MessageInBatch[]): void {
  const claimed = new Set<string>();
  for (const item of items) {
    const outcome = item.outcome;
    if (outcome?.status !== 'processed' || outcome.duplicateKey === undefined) continue;
    if (claimed.has(outcome.duplicateKey)) item.outcome = duplicate(item);
    else claimed.add(outcome.duplicateKey);
  }
}

/** The message as patient-import applies it (AppointmentMessageV2), its rule-27 key as a digest. */
export function toApplyRequest(item: MessageInBatch): AppointmentMessageV2 {
  const appointment = item.appointment!;
  // The baseline PRODUCT.md asks of an SIU care flow, with what the message has.
  const baseline: Record<string, string> = {};
  for (const [key, value] of Object.entries({
    appointmentDate: appointment.appointmentDate,
    appointmentType: appointment.appointmentType,
    physicianCode: appointment.physicianCode,
    location: appointment.location,
  })) {
    if (value !== undefined) baseline[key] = value;
  }
  return {
    messageId: item.message.id,
    sequence: item.message.sequence,
    channel: item.message.channel,
    ...(item.duplicateKey !== undefined ? { duplicateKey: item.duplicateKey.digest } : {}),
    patient: item.patient!,
    ...(appointment.appointmentId !== undefined
      ? {
          appointment: {
            appointmentId: appointment.appointmentId,
            event: appointment.event,
            action: appointment.action,
            baseline,
            ...(appointment.careFlowDefinitionKey !== undefined
              ? { careFlowDefinitionKey: appointment.careFlowDefinitionKey }
              : {}),
            ...(item.physicianId !== undefined ? { physicianId: item.physicianId } : {}),
            ...(appointment.physicianCode !== undefined ? { physicianCode: appointment.physicianCode } : {}),
          },
        }
      : {}),
  };
}

/** Still to be applied: no outcome yet, nothing to retry. */
export function pending(item: MessageInBatch): boolean {
  return item.outcome === undefined && item.retry === undefined;
}

/** Rule 27: a copy of a processed message, which changed nothing. */
export function duplicate(item: MessageInBatch): MessageOutcome {
  return {
    id: item.message.id,
    hospitalId: item.message.hospitalId,
    status: 'duplicate',
    ...(item.appointment ? { action: item.appointment.action } : {}),
  };
}

export function failed(item: MessageInBatch, reason: string): MessageOutcome {
  return {
    id: item.message.id,
    hospitalId: item.message.hospitalId,
    status: 'failed',
    reason,
    ...(item.appointment ? { action: item.appointment.action } : {}),
  };
}

export function groupByHospital(items: MessageInBatch[]): Map<string, MessageInBatch[]> {
  const groups = new Map<string, MessageInBatch[]>();
  for (const item of items) {
    const group = groups.get(item.message.hospitalId);
    if (group) group.push(item);
    else groups.set(item.message.hospitalId, [item]);
  }
  return groups;
}
