import { parseHl7, recoverAckTarget } from '@bridge/hl7';

export interface MessageHeader {
  /** MSH-9.1^MSH-9.2, e.g. `SIU^S12`; '' when the message has no readable MSH. */
  type: string;
  controlId: string;
  sendingApplication: string;
  sendingFacility: string;
  /** SCH-2.1, else SCH-1.1 (rule 21): which messages must be applied one after the other. */
  appointmentKey?: string;
}

const CR = 0x0d;
const MAX_CHARS = 200;

/**
 * What the message log, rule 27 and the per-appointment order need from a stored message, read from its
 * MSH and SCH segments only (MSH is ASCII, rule 3): cheap enough for 100,000 messages a file. A message
 * without a readable MSH keeps what can be recovered; reading it fully is the consumer's job, which
 * records why it fails (rule 26).
 */
export function readMessageHeader(raw: Buffer): MessageHeader {
  const end = raw.indexOf(CR);
  const msh = end < 0 ? raw : raw.subarray(0, end);
  try {
    const message = parseHl7(withSch(raw, msh), { charset: 'latin1' });
    const appointmentKey = message.get('SCH-2.1') || message.get('SCH-1.1');
    return clip({
      type: message.type,
      controlId: message.controlId,
      sendingApplication: message.sendingApplication,
      sendingFacility: message.sendingFacility,
      ...(appointmentKey ? { appointmentKey } : {}),
    });
  } catch {
    const target = recoverAckTarget(raw);
    return clip({
      type: '',
      controlId: target?.controlId ?? '',
      sendingApplication: typeof target?.sendingApplication === 'string' ? target.sendingApplication : '',
      sendingFacility: typeof target?.sendingFacility === 'string' ? target.sendingFacility : '',
    });
  }
}

/** The MSH line followed by the first SCH line, if any (segments are `\r`-joined by the splitter). */
function withSch(raw: Buffer, msh: Buffer): Buffer {
  const start = raw.indexOf('\rSCH');
  if (start < 0) return msh;
  const end = raw.indexOf(CR, start + 1);
  return Buffer.concat([msh, raw.subarray(start, end < 0 ? raw.length : end)]);
}

function clip(header: MessageHeader): MessageHeader {
  return {
    type: header.type.slice(0, MAX_CHARS),
    controlId: header.controlId.slice(0, MAX_CHARS),
    sendingApplication: header.sendingApplication.slice(0, MAX_CHARS),
    sendingFacility: header.sendingFacility.slice(0, MAX_CHARS),
    ...(header.appointmentKey ? { appointmentKey: header.appointmentKey.slice(0, MAX_CHARS) } : {}),
  };
}
