import { Injectable } from '@nestjs/common';
import {
  DomainError,
  type ListMessagesRequestV1,
  type MessageDetailV1,
  type MessageLogEntryV1,
  type MessageViewV1,
} from '@bridge/contracts';
import { decodeHl7Bytes, parseHl7 } from '@bridge/hl7';
import { SiuConnectionsRepository } from '../connections/siu-connections.repository';
import { SiuMessageLogRepository } from './siu-message-log.repository';

/** The SIU part of the message log (GET /v1/admin/messages fans out here) and reprocessing of failures. */
@Injectable()
export class SiuMessageLogService {
  constructor(
    private readonly messages: SiuMessageLogRepository,
    private readonly connections: SiuConnectionsRepository,
  ) {}

  list(filters: ListMessagesRequestV1): Promise<MessageLogEntryV1[]> {
    return this.messages.list(filters);
  }

  /** Raw HL7 as text, decoded by rule 3 (MSH-18, else the connection's charset). */
  async get(messageId: string): Promise<MessageDetailV1> {
    const found = await this.messages.find(messageId);
    if (!found) throw new DomainError('NOT_FOUND', 'No such message.');
    const { rawBytes, ...detail } = found;
    // The body is removed once the hospital's body retention passed; the entry stays.
    if (rawBytes === null) return detail;
    const fallback = (await this.connections.find(detail.hospitalId))?.settings.charset ?? 'utf-8';
    const end = rawBytes.indexOf(0x0d);
    let charset = fallback;
    try {
      charset = parseHl7(end < 0 ? rawBytes : rawBytes.subarray(0, end), { charset: fallback }).charset;
    } catch {
      // No readable MSH: the connection's charset.
    }
    return { ...detail, raw: decodeHl7Bytes(rawBytes, charset) };
  }

  async reprocess(messageId: string): Promise<MessageViewV1> {
    const found = await this.messages.find(messageId);
    if (!found) throw new DomainError('NOT_FOUND', 'No such message.');
    const reprocessed = await this.messages.reprocess(found.hospitalId, messageId);
    if (!reprocessed) {
      throw new DomainError(
        'MESSAGE_NOT_REPROCESSABLE',
        found.rawBytes === null
          ? 'Its body was removed by the retention policy: it cannot be processed again.'
          : `Only a failed message can be reprocessed; this one is ${found.status}.`,
      );
    }
    return reprocessed;
  }
}
