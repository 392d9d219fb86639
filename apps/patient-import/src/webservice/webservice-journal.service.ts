import { Injectable } from '@nestjs/common';
import {
  DomainError,
  type ListMessagesRequestV1,
  type MessageDetailV1,
  type MessageLogEntryV1,
} from '@bridge/contracts';
import { randomUUID } from 'node:crypto';
import type { WrittenRow } from '@bridge/database';
import type { EntityManager } from 'typeorm';
import { WebServiceJournalRepository } from './webservice-journal.repository';

/** The journal keeps the start of an answer: enough to see what the hospital said, bounded per row. */
export const RAW_IN_MAX_CHARS = 64 * 1024;

/** An outbound exchange whose row is written and whose end is still to be recorded. */
export interface OpenExchange extends Readonly<WrittenRow> {
  readonly id: string;
  readonly hospitalId: string;
  readonly startedAt: number;
}

export interface ExchangeEnd {
  status: 'replied' | 'failed';
  error?: string;
  rawIn?: string;
  httpStatus?: number;
  /** Outcome and counts only: never names, ids or other PHI. */
  summary: Record<string, unknown>;
}

/** The web-service half of the message log; same shapes as the HL7 journal (MessageViewV1 / MessageDetailV1). */
@Injectable()
export class WebServiceJournalService {
  constructor(private readonly journal: WebServiceJournalRepository) {}

  /**
   * Records the request as `sent` before a byte leaves: if the process dies mid-exchange the row stays
   * behind as evidence of what was asked, when and of whom.
   */
  async open(entry: { hospitalId: string; type: string; rawOut: string }): Promise<OpenExchange> {
    const exchange = { id: randomUUID(), hospitalId: entry.hospitalId, startedAt: performance.now() };
    const written = await this.journal.insert({
      id: exchange.id,
      hospitalId: entry.hospitalId,
      type: entry.type,
      rawOut: entry.rawOut,
    });
    return { ...exchange, ...written };
  }

  async close(exchange: OpenExchange, end: ExchangeEnd): Promise<void> {
    await this.journal.finish(exchange, {
      ...end,
      ...(end.rawIn !== undefined ? { rawIn: truncateRaw(end.rawIn) } : {}),
      durationMs: Math.round(performance.now() - exchange.startedAt),
    });
  }

  /** `sessionStoredAt`: when the import session the exchange led to was stored (its row was written before). */
  linkPatient(
    manager: EntityManager,
    exchange: { hospitalId: string; messageId: string; sessionStoredAt: Date },
    patientId: string,
  ): Promise<void> {
    const { hospitalId, messageId, sessionStoredAt } = exchange;
    return this.journal.linkPatient(
      manager,
      { hospitalId, id: messageId, writtenBy: sessionStoredAt },
      patientId,
    );
  }

  list(filters: ListMessagesRequestV1): Promise<MessageLogEntryV1[]> {
    return this.journal.list(filters);
  }

  async get(messageId: string): Promise<MessageDetailV1> {
    const message = await this.journal.find(messageId);
    if (!message) throw new DomainError('NOT_FOUND', 'No such message.');
    return message;
  }
}

/** PostgreSQL text cannot hold NUL, which garbage answers do contain: it is shown as `\0`. */
function truncateRaw(raw: string): string {
  const storable = raw.replace(/\u0000/g, '\\0');
  if (storable.length <= RAW_IN_MAX_CHARS) return storable;
  return `${storable.slice(0, RAW_IN_MAX_CHARS)}\n[truncated: ${storable.length - RAW_IN_MAX_CHARS} more characters]`;
}
