import { Injectable, Logger } from '@nestjs/common';
import { decodeHl7Bytes, Hl7ParseError, parseHl7, type Hl7Charset, type Hl7Message } from '@bridge/hl7';
import { Outbox } from '@bridge/messaging';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JournalRepository } from '../journal/journal.repository';
import { inboundAck } from './inbound-ack';

/** At most this much of a refused frame's MSH segment is journaled. */
const MSH_KEPT_BYTES = 1024;

export interface ListenerTarget {
  hospitalId: string;
  charset?: Hl7Charset;
}

/**
 * One message from a hospital's real-time SIU feed. It is journaled and handed to siu-ingestor (the
 * `siu.message.received.v1` event, with the bytes) in one transaction, and only then acknowledged: an
 * AA means the message is stored and will be processed. Storage failing means AR, so the sender retries.
 */
@Injectable()
export class InboundSiuService {
  private readonly logger = new Logger('InboundSiu');

  constructor(
    private readonly dataSource: DataSource,
    private readonly journal: JournalRepository,
    private readonly outbox: Outbox,
  ) {}

  async receive(target: ListenerTarget, frame: Buffer): Promise<string> {
    const id = randomUUID();
    const at = new Date();
    const ackControlId = id.replace(/-/g, '').slice(0, 20);
    const { message, problem } = readSiu(frame, target.charset);
    // A frame we refuse is journaled by size and hash (and its MSH when it has one), never its body: what an
    // unknown sender sends must not fill the database.
    const rawIn = problem
      ? refusedFrameText(frame, target.charset)
      : decodeHl7Bytes(frame, message?.charset ?? target.charset ?? 'utf-8');
    const outcome = message ? 'stored' : 'unreadable';
    const ack = inboundAck(message ?? frame, outcome, {
      controlId: ackControlId,
      at,
      ...(problem ? { text: problem } : {}),
    });
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.journal.insertInbound(manager, {
          id,
          hospitalId: target.hospitalId,
          channel: 'siu-mllp',
          type: message?.type || 'unknown',
          controlId: message?.controlId,
          status: message ? 'received' : 'failed',
          error: problem,
          rawIn,
          ack,
          startedAt: at,
        });
        if (message) {
          await this.outbox.add(manager, 'siu.message.received.v1', {
            hospitalId: target.hospitalId,
            messageId: id,
            channel: 'siu-mllp',
            raw: frame.toString('base64'),
          });
        }
      });
    } catch (error) {
      this.logger.error({
        msg: 'could not store an inbound SIU message; answering AR',
        error: (error as Error).message,
      });
      return inboundAck(message ?? frame, 'storage-failed', {
        controlId: ackControlId,
        at,
        text: 'Not stored, send again',
      });
    }
    return ack;
  }
}

/** What the journal keeps of a refused frame: its size, its SHA-256 and, if it starts with one, its MSH line. */
function refusedFrameText(frame: Buffer, charset?: Hl7Charset): string {
  const sha256 = createHash('sha256').update(frame).digest('hex');
  const head = frame.subarray(0, MSH_KEPT_BYTES);
  const end = head.indexOf(0x0d);
  const msh = head.subarray(0, end < 0 ? head.length : end);
  const header =
    msh.subarray(0, 3).toString('latin1') === 'MSH' ? `${decodeHl7Bytes(msh, charset ?? 'utf-8')}\r` : '';
  return `${header}[not kept: a refused frame of ${frame.length} bytes, sha256 ${sha256}]`;
}

/** Reads enough to acknowledge: the header, and that it is an SIU message. Texts carry no PHI. */
function readSiu(frame: Buffer, charset?: Hl7Charset): { message?: Hl7Message; problem?: string } {
  let message: Hl7Message;
  try {
    message = parseHl7(frame, charset ? { charset } : {});
  } catch (error) {
    return { problem: error instanceof Hl7ParseError ? `Unreadable HL7 (${error.code})` : 'Unreadable HL7' };
  }
  if (message.get('MSH-9.1') !== 'SIU')
    return { problem: `Only SIU messages are accepted here, not ${message.type || 'this type'}` };
  if (!message.controlId) return { problem: 'The message has no control id (MSH-10)' };
  return { message };
}
