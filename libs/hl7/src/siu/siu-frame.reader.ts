import { recoverAckTarget } from '../ack/ack.builder';
import type { Hl7Charset } from '../model/hl7-charset';
import { Hl7ParseError, type Hl7ParseErrorCode } from '../model/hl7.errors';
import { parseHl7 } from '../model/hl7.parser';
import { readSiuMessage } from './siu-message.reader';
import { siuDuplicateKey } from './siu-run';
import type { SiuAppointment, SiuSettings } from './siu.types';

export type SiuReadResult =
  | { readonly ok: true; readonly appointment: SiuAppointment; readonly duplicateKey: string }
  | {
      readonly ok: false;
      readonly code: Hl7ParseErrorCode;
      /** MSH-10 when it can be recovered, even from a damaged message (rule 26). */
      readonly controlId: string;
      readonly reason: string;
    };

/**
 * Parses and reads one stored SIU message without throwing: a message that cannot be processed
 * becomes a failure record with its MSH-10 and reason (rule 26), so the caller can record it and
 * go on with the rest of the file. Errors other than HL7 ones (bugs) are rethrown.
 */
export function readSiuFrame(
  raw: Buffer,
  settings: SiuSettings,
  options: { charset?: Hl7Charset } = {},
): SiuReadResult {
  try {
    const message = parseHl7(raw, { charset: options.charset });
    return {
      ok: true,
      appointment: readSiuMessage(message, settings),
      duplicateKey: siuDuplicateKey(message),
    };
  } catch (error) {
    if (!(error instanceof Hl7ParseError)) throw error;
    const controlId = error.controlId ?? recoverAckTarget(raw)?.controlId ?? '';
    return { ok: false, code: error.code, controlId, reason: error.message };
  }
}
