import { planSiuEffect, type SiuAction } from '@bridge/hl7';

/** One SIU message as applied to an appointment. */
export interface AppointmentMessage {
  messageId: string;
  /** Rule 19 order (file order, then arrival), which is not the order competing consumers apply them in. */
  sequence: number;
  event: string;
  action: SiuAction;
  definitionKey?: string;
  patientId: string;
  physicianId?: string;
  physicianCode?: string;
  baseline: Record<string, string>;
}

/** The appointment's care flow as its messages, taken in sequence order, make it. */
export interface DesiredCareFlow {
  /** The message that created the appointment (start, or an update of an unknown one). */
  createdBy: string;
  definitionKey: string;
  patientId: string;
  physicianId?: string;
  physicianCode?: string;
  /** The SIU baseline keys only; values a care team set on the care flow are kept beside them. */
  baseline: Record<string, string>;
  /** The event of the message that stopped it, if one did. */
  stoppedByEvent?: string;
}

/** The care flow as stored. */
export interface ActualCareFlow {
  status: 'active' | 'stopped' | 'completed';
  physicianId?: string;
  physicianCode?: string;
  baseline: Record<string, string>;
}

export interface CareFlowPlan {
  insert: boolean;
  update?: { physicianId?: string; physicianCode?: string; baseline: Record<string, string> };
  stopReason?: string;
}

function bySequence(a: AppointmentMessage, b: AppointmentMessage): number {
  return a.sequence - b.sequence || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0);
}

/**
 * Rule 25 over the whole history of an appointment, in sequence order. Competing consumers apply the
 * messages of a file in any order; replaying the history each time makes the result the one in-order
 * processing gives: a stop that overtook its start still stops the care flow once the start arrives, an
 * old update that arrives late does not overwrite a newer one. planSiuEffect decides every step.
 */
export function replayAppointment(history: readonly AppointmentMessage[]): DesiredCareFlow | undefined {
  let state: DesiredCareFlow | undefined;
  for (const message of [...history].sort(bySequence)) {
    const effect = planSiuEffect({
      action: message.action,
      appointmentKnown: state !== undefined,
      careFlowMapped: message.definitionKey !== undefined,
    });
    switch (effect) {
      case 'create_appointment':
        state = {
          createdBy: message.messageId,
          definitionKey: message.definitionKey!,
          patientId: message.patientId,
          ...physicianOf(message),
          baseline: { ...message.baseline },
        };
        break;
      case 'update_appointment':
        // A stopped care flow is not brought back by a late update, nor changed by it.
        if (state && state.stoppedByEvent === undefined) {
          state = {
            ...state,
            ...(message.physicianCode !== undefined
              ? { physicianId: undefined, ...physicianOf(message) }
              : {}),
            baseline: { ...state.baseline, ...message.baseline },
          };
        }
        break;
      case 'stop_appointment':
        if (state && state.stoppedByEvent === undefined) state = { ...state, stoppedByEvent: message.event };
        break;
      case 'none':
        break;
    }
  }
  return state;
}

function physicianOf(message: AppointmentMessage): { physicianId?: string; physicianCode?: string } {
  return {
    ...(message.physicianId !== undefined ? { physicianId: message.physicianId } : {}),
    ...(message.physicianCode !== undefined ? { physicianCode: message.physicianCode } : {}),
  };
}

/**
 * What to change so the stored care flow matches the desired one. Only forward: a care flow is never
 * re-activated, and one a care team stopped (while the schedule says active) or completed is left alone.
 */
export function planCareFlowChange(
  desired: DesiredCareFlow | undefined,
  actual: ActualCareFlow | undefined,
): CareFlowPlan {
  if (!desired) return { insert: false };
  const stopReason =
    desired.stoppedByEvent !== undefined
      ? `Stopped by the hospital's schedule (SIU^${desired.stoppedByEvent})`
      : undefined;
  if (!actual) return { insert: true, ...(stopReason ? { stopReason } : {}) };
  // Stopped as the history says (a late message may still correct its values), or by someone else: left alone.
  const alreadyStopped = actual.status === 'stopped' && stopReason !== undefined;
  if (actual.status !== 'active' && !alreadyStopped) return { insert: false };
  const baseline = { ...actual.baseline, ...desired.baseline };
  const changed =
    !sameValues(baseline, actual.baseline) ||
    desired.physicianId !== actual.physicianId ||
    desired.physicianCode !== actual.physicianCode;
  return {
    insert: false,
    ...(changed
      ? { update: { physicianId: desired.physicianId, physicianCode: desired.physicianCode, baseline } }
      : {}),
    ...(stopReason && !alreadyStopped ? { stopReason } : {}),
  };
}

function sameValues(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
