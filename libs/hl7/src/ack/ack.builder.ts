import { Hl7Message } from '../model/hl7-message';
import { msh18ForCharset } from '../model/hl7-charset';
import { formatHl7Timestamp } from '../model/hl7-date';
import { recoverDelimiters } from '../model/hl7-delimiters';
import { compareHl7Versions, encodeMessage, encodeSegment, type Hl7FieldMap } from '../model/hl7.writer';
import type { AckOptions, AckTarget, RejectAckOptions } from './ack.types';

const ERROR_TEXTS: Readonly<Record<string, string>> = {
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '206': 'Application record locked',
  '207': 'Application internal error',
};
// MSA-3 is an ST(80) up to v2.4; the full text still goes in ERR-8 from v2.5 on.
const MSA_TEXT_LENGTH = 80;

function hd(message: Hl7Message, field: number): string[] {
  const first = message.header.field(field)[0];
  return first ? [first.component(1), first.component(2), first.component(3)] : [];
}

/** What an ACK needs from a parsed message: HD values keep their components. */
export function ackTargetOf(message: Hl7Message): AckTarget {
  const msh18 = message.header.get(18);
  return {
    controlId: message.controlId,
    sendingApplication: hd(message, 3),
    sendingFacility: hd(message, 4),
    receivingApplication: hd(message, 5),
    receivingFacility: hd(message, 6),
    version: message.version,
    event: message.event,
    processingId: message.header.get(11),
    ...(msh18 !== '' ? { charset: message.charset } : {}),
  };
}

function isErrorCode(code: AckOptions['code']): boolean {
  return code !== 'AA' && code !== 'CA';
}

/**
 * An ACK for a received message: MSA-2 = its MSH-10, sender and receiver swapped, version and
 * processing id echoed. Error codes (AE/AR/CE/CR) with a text also carry an ERR segment, in the
 * v2.5 layout or the v2.3 ELD layout depending on the version.
 */
export function buildAck(received: Hl7Message | AckTarget, options: AckOptions): string {
  const target = received instanceof Hl7Message ? ackTargetOf(received) : received;
  const version = target.version || '2.5';
  const atLeast24 = compareHl7Versions(version, '2.4') >= 0;
  const messageType = target.event ? ['ACK', target.event, ...(atLeast24 ? ['ACK'] : [])] : 'ACK';
  const text = options.text?.trim() ?? '';
  const segments = [
    encodeSegment('MSH', {
      3: target.receivingApplication,
      4: target.receivingFacility,
      5: target.sendingApplication,
      6: target.sendingFacility,
      7: formatHl7Timestamp(options.at, { timeZone: options.timeZone }),
      9: messageType,
      10: options.controlId,
      11: target.processingId || 'P',
      12: version,
      18: target.charset ? msh18ForCharset(target.charset) : undefined,
    }),
    encodeSegment('MSA', { 1: options.code, 2: target.controlId, 3: text.slice(0, MSA_TEXT_LENGTH) }),
  ];
  if (isErrorCode(options.code) && (text !== '' || options.errorCode)) {
    const code = options.errorCode ?? '207';
    const description = ERROR_TEXTS[code] ?? '';
    const err: Hl7FieldMap =
      compareHl7Versions(version, '2.5') >= 0
        ? { 3: [code, description, 'HL70357'], 4: 'E', 8: text }
        : { 1: ['', '', '', [code, description, 'HL70357']] };
    segments.push(encodeSegment('ERR', err));
  }
  return encodeMessage(segments);
}

const CONTROL_CHARACTERS = /[\x00-\x1f\x7f]/g;
const RECOVERY_WINDOW = 64 * 1024;

/**
 * Best effort to find who sent a damaged message and its MSH-10, so that even an AR can be
 * correlated (rule 29). Returns undefined when no MSH header with a usable MSH-1 can be found.
 */
export function recoverAckTarget(input: Buffer | string): AckTarget | undefined {
  const text =
    typeof input === 'string'
      ? input.slice(0, RECOVERY_WINDOW)
      : input.toString('latin1', 0, RECOVERY_WINDOW);
  const start = text.indexOf('MSH');
  if (start < 0) return undefined;
  const line = text.slice(start).split(/[\r\n]/, 1)[0];
  // Rule 29: located on the header's bytes (read as latin1, one character per byte), so a damaged
  // MSH-2 or a charset other than the declared one never hides MSH-10.
  const delimiters = recoverDelimiters(line);
  if (delimiters === undefined) return undefined;
  const fields = line.split(delimiters.field);
  // fields[n - 1] is MSH-n (MSH-1 is the separator itself).
  const component = (field: number, index = 0): string => {
    const raw = fields[field - 1] ?? '';
    const first = delimiters.repetition ? raw.split(delimiters.repetition)[0] : raw;
    const parts = delimiters.component ? first.split(delimiters.component) : [first];
    return (parts[index] ?? '').replace(CONTROL_CHARACTERS, '').trim().slice(0, 199);
  };
  return {
    controlId: component(10),
    sendingApplication: component(3),
    sendingFacility: component(4),
    receivingApplication: component(5),
    receivingFacility: component(6),
    version: component(12),
    event: component(9, 1),
    processingId: component(11),
  };
}

/**
 * An ACK (default AR) for input that could not be parsed. MSA-2 is the recovered MSH-10, or empty
 * when none can be recovered; our own application/facility fill MSH-3/4 when the input names none.
 */
export function buildRejectAck(input: Buffer | string, options: RejectAckOptions): string {
  const recovered = recoverAckTarget(input);
  const target: AckTarget = {
    ...(recovered ?? { controlId: '' }),
    receivingApplication: recovered?.receivingApplication || options.sendingApplication,
    receivingFacility: recovered?.receivingFacility || options.sendingFacility,
  };
  return buildAck(target, { ...options, code: options.code ?? 'AR' });
}
