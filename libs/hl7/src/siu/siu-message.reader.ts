import { readDemographics } from '../demographics/demographics.reader';
import { groupsByPid } from '../demographics/pid-group';
import { compact } from '../model/drop-empty-values';
import { readHl7DateTime } from '../model/hl7-date';
import type { Hl7Message, Hl7Segment } from '../model/hl7-message';
import { Hl7ParseError } from '../model/hl7.errors';
import type { SiuAction, SiuAppointment, SiuSettings } from './siu.types';

/** PRODUCT.md defaults; any event not listed (S16, S18-S24, ...) is ignored. */
export const DEFAULT_SIU_EVENT_MAP: Readonly<Record<string, SiuAction>> = Object.freeze({
  S12: 'start',
  S13: 'update',
  S14: 'update',
  S15: 'stop',
  S17: 'stop',
  S26: 'ignore',
});

/** Rule 22: TQ1-7, else SCH-11.4 (TQ start), else AIS-4; the first that holds a readable date. */
function readAppointmentDate(message: Hl7Message): string | undefined {
  for (const path of ['TQ1-7.1', 'SCH-11.4.1', 'AIS-4.1']) {
    const value = readHl7DateTime(message.get(path));
    if (value !== undefined) return value;
  }
  return undefined;
}

/** CE/CWE text, else its code. */
function codedText(segment: Hl7Segment | undefined, field: number): string {
  return segment === undefined ? '' : segment.get(field, 2) || segment.get(field, 1);
}

function readAppointmentType(message: Hl7Message): string {
  const sch = message.first('SCH');
  return codedText(message.first('AIS'), 3) || codedText(sch, 7) || codedText(sch, 8);
}

/** PL: point of care / room / bed, the parts a care team recognises. */
function readLocation(message: Hl7Message): string {
  for (const [name, field] of [
    ['AIL', 3],
    ['PV1', 3],
  ] as const) {
    const place = message.first(name)?.field(field)[0];
    if (!place) continue;
    const parts = [place.component(1), place.component(2), place.component(3)].filter((part) => part !== '');
    if (parts.length > 0) return parts.join(' / ');
  }
  return '';
}

/**
 * Reads one SIU message by rules 20-24. Throws Hl7ParseError (with the message's MSH-10) when the
 * message cannot be processed (rule 26): not an SIU, no patient identifier, or no appointment id
 * for an event that acts on an appointment.
 */
export function readSiuMessage(message: Hl7Message, settings: SiuSettings): SiuAppointment {
  const controlId = message.controlId;
  if (message.messageCode.toUpperCase() !== 'SIU') {
    throw new Hl7ParseError('SIU_NOT_SIU', `MSH-9.1 is "${message.messageCode}", not SIU`, { controlId });
  }
  const event = message.event.toUpperCase();
  const action: SiuAction = settings.eventMap?.[event] ?? DEFAULT_SIU_EVENT_MAP[event] ?? 'ignore';

  const group = groupsByPid(message)[0];
  const patient =
    group &&
    readDemographics(group, {
      patientIdAuthority: settings.patientIdAuthority,
      patientIdTypes: settings.patientIdTypes,
    });
  if (!patient?.patientCode) {
    throw new Hl7ParseError('SIU_NO_PATIENT_ID', 'the message has no usable patient identifier in PID-3', {
      controlId,
    });
  }

  const appointmentId = message.get('SCH-2.1') || message.get('SCH-1.1');
  if (appointmentId === '' && action !== 'ignore') {
    throw new Hl7ParseError('SIU_NO_APPOINTMENT_ID', 'SCH-2 and SCH-1 (appointment id) are empty', {
      controlId,
    });
  }

  const careFlow =
    // An empty rule value would match every message that lacks the field: a config slip, never a match.
    settings.careFlowMap.find((rule) => rule.value !== '' && message.get(rule.field) === rule.value);
  return {
    event,
    action,
    ...compact({
      appointmentId,
      appointmentDate: readAppointmentDate(message),
      appointmentType: readAppointmentType(message),
      location: readLocation(message),
      fillerStatus: message.get('SCH-25.1'),
      physicianCode: message.get(settings.physicianField ?? 'AIP-3.1'),
      careFlowDefinitionKey: careFlow?.careFlowDefinitionKey,
    }),
    patient,
    controlId,
    sendingApplication: message.sendingApplication,
    sendingFacility: message.sendingFacility,
  };
}
