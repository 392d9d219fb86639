import type { Hl7Message } from '../model/hl7-message';
import type { SiuAction } from './siu.types';

/**
 * Rule 19: files are processed in byte-wise order of their names (UTF-8 bytes), which is neither
 * JavaScript's UTF-16 sort nor a locale sort. Accepts raw names as SFTP may list them.
 */
export function compareFileNamesBytewise(left: string | Buffer, right: string | Buffer): number {
  return Buffer.compare(
    typeof left === 'string' ? Buffer.from(left, 'utf8') : left,
    typeof right === 'string' ? Buffer.from(right, 'utf8') : right,
  );
}

/**
 * Rule 27: (MSH-3, MSH-4, MSH-10) identifies a message. Whole HD values are used, so two senders
 * that differ only by universal id are not confused; JSON keeps the parts unambiguous.
 */
export function siuDuplicateKey(message: Hl7Message): string {
  const hd = (field: number): string[] => {
    const parts = message.header.field(field)[0]?.components().slice(0, 3) ?? [];
    // `AGENDA` and `AGENDA^` are the same sender.
    while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    return parts;
  };
  return JSON.stringify([hd(3), hd(4), message.controlId]);
}

/** What the ingestor must do with an appointment for one message. */
export type SiuEffect = 'create_appointment' | 'update_appointment' | 'stop_appointment' | 'none';

/**
 * Rule 25 (with rule 23): start creates an unknown appointment, and is a no-op for a known one;
 * update re-reads a known one and acts as start for an unknown one; stop stops a known one and is
 * a no-op otherwise; ignore does nothing. Without a matching care-flow rule nothing is created.
 * The patient may be created or updated whatever the effect.
 */
export function planSiuEffect(input: {
  readonly action: SiuAction;
  readonly appointmentKnown: boolean;
  readonly careFlowMapped: boolean;
}): SiuEffect {
  const create: SiuEffect = input.careFlowMapped ? 'create_appointment' : 'none';
  switch (input.action) {
    case 'start':
      return input.appointmentKnown ? 'none' : create;
    case 'update':
      return input.appointmentKnown ? 'update_appointment' : create;
    case 'stop':
      return input.appointmentKnown ? 'stop_appointment' : 'none';
    case 'ignore':
      return 'none';
  }
}

/** How one message of a run ended. Ignored, unmapped and no-op messages are `processed`. */
export type SiuMessageOutcome = 'processed' | 'duplicate' | 'failed';

export interface SiuRunCounts {
  readonly messagesProcessed: number;
  readonly messagesFailed: number;
  readonly messagesDuplicate: number;
}

/** Rule 28: a duplicate is handled without failure, so it counts as processed and as duplicate. */
export function tallySiuOutcomes(outcomes: Iterable<SiuMessageOutcome>): SiuRunCounts {
  let processed = 0;
  let failed = 0;
  let duplicate = 0;
  for (const outcome of outcomes) {
    if (outcome === 'failed') {
      failed++;
    } else {
      processed++;
      if (outcome === 'duplicate') duplicate++;
    }
  }
  return { messagesProcessed: processed, messagesFailed: failed, messagesDuplicate: duplicate };
}
