import type { AppointmentMessageV1, PatientInputV1 } from '@bridge/contracts';
import type { SiuAppointment } from '@bridge/hl7';
import type { MessageOutcome, StoredMessage } from '../messages/siu-messages.repository';
import type { PatientSource } from './patient-input';

/** One message on its way through a batch, and what became of it. */
export interface MessageInBatch {
  message: StoredMessage;
  attempt: number;
  appointment?: SiuAppointment;
  duplicateKey?: string;
  /** The first copy of this message (rule 27), when it is processed in the same batch. */
  firstCopy?: MessageInBatch;
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

/** A copy whose first was in this batch: a duplicate if the first was processed, else it tries again. */
export function settleCopies(items: MessageInBatch[]): void {
  for (const item of items) {
    if (!item.firstCopy || item.outcome !== undefined || item.retry !== undefined) continue;
    if (item.firstCopy.outcome?.status === 'processed') {
      item.outcome = {
        id: item.message.id,
        hospitalId: item.message.hospitalId,
        status: 'duplicate',
        action: item.appointment!.action,
      };
    } else {
      item.retry = 'waiting for the first copy of this message (same MSH-3, MSH-4, MSH-10) to be processed';
    }
  }
}

/** The message as patient-import applies it (AppointmentMessageV1). */
export function toApplyRequest(item: MessageInBatch): AppointmentMessageV1 {
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

/** Still to be applied: no outcome yet, nothing to retry, not a copy waiting for its first. */
export function pending(item: MessageInBatch): boolean {
  return item.outcome === undefined && item.retry === undefined && item.firstCopy === undefined;
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
