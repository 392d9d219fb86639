import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeMessage, encodeSegment } from '@bridge/hl7';
import { SIM_DATASET, type SimPatient } from './dataset';
import { pid, pv1 } from './hl7-reply.builder';

export interface SiuDropOptions {
  /** AIP-3.1 of every appointment: the demo hospital's physician code. */
  physicianCode: string;
  /** AIS-3.1 of the knee appointments (the demo's care-flow map key). */
  serviceCode?: string;
  now?: Date;
}

/**
 * Drops one day's scheduling file in a hospital's SIU folder, as the scheduling system would: three knee
 * appointments booked (S12), one rescheduled (S14), one cancelled (S15), and a consultation the care-flow
 * map does not know. Control ids are fixed per day, so dropping the same day twice is a duplicate.
 */
export function dropSiuDay(directory: string, options: SiuDropOptions): string {
  const now = options.now ?? new Date();
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  const knee = options.serviceCode ?? 'KNEE';
  const [first, second, third, fourth] = SIM_DATASET;
  const messages = [
    siu(
      'S12',
      `${day}-1`,
      first,
      { appointment: `APT-${day}-1`, start: `${day}0900`, service: knee },
      options,
    ),
    siu(
      'S12',
      `${day}-2`,
      second,
      { appointment: `APT-${day}-2`, start: `${day}0930`, service: knee },
      options,
    ),
    siu(
      'S12',
      `${day}-3`,
      third,
      { appointment: `APT-${day}-3`, start: `${day}1000`, service: knee },
      options,
    ),
    siu(
      'S14',
      `${day}-4`,
      second,
      { appointment: `APT-${day}-2`, start: `${day}1430`, service: knee },
      options,
    ),
    siu(
      'S15',
      `${day}-5`,
      third,
      { appointment: `APT-${day}-3`, start: `${day}1000`, service: knee },
      options,
    ),
    siu(
      'S12',
      `${day}-6`,
      fourth,
      { appointment: `APT-${day}-6`, start: `${day}1100`, service: 'CONSULT' },
      options,
    ),
  ];
  const file = join(directory, `siu-${day}.hl7`);
  writeFileSync(file, messages.join(''));
  return file;
}

function siu(
  event: string,
  controlId: string,
  patient: SimPatient,
  appointment: { appointment: string; start: string; service: string },
  options: SiuDropOptions,
): string {
  return encodeMessage(
    [
      encodeSegment('MSH', {
        3: 'AGENDA',
        4: 'AZDEMO',
        5: 'CAREFLOW',
        6: 'BRIDGE',
        7: `${appointment.start}00`,
        9: ['SIU', event, 'SIU_S12'],
        10: controlId,
        11: 'P',
        12: '2.5',
        18: 'UNICODE UTF-8',
      }),
      encodeSegment('SCH', {
        2: appointment.appointment,
        7: [appointment.service, 'Knee consultation'],
        25: event === 'S15' ? 'Cancelled' : 'Booked',
      }),
      encodeSegment('TQ1', { 1: '1', 7: appointment.start }),
      pid(patient, 1),
      pv1(patient),
      encodeSegment('RGS', { 1: '1' }),
      encodeSegment('AIS', { 1: '1', 3: [appointment.service, 'Knee consultation'], 4: appointment.start }),
      encodeSegment('AIL', { 1: '1', 3: ['ORTHO-POLI', 'Room 3'] }),
      encodeSegment('AIP', { 1: '1', 3: [options.physicianCode, 'Peeters', 'Anne'] }),
    ].filter((segment): segment is string => !!segment),
  );
}
