import { Injectable } from '@nestjs/common';
import { AUDIT_EVENTS_PER_RECORD } from '@bridge/contracts';
import { AuditEventsRepository, type AuditEventRecord } from './audit-events.repository';

interface Waiting {
  record: AuditEventRecord;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Records consumed audit events in groups (group commit): the events delivered in one turn of the event
 * loop, or while the previous INSERT is in flight, go together in the next one. A lone event waits for no
 * company. Each delivery's promise settles with its own record, so the transport acks an event only once it
 * is recorded, and retries or dead-letters it alone (a group the database refuses is tried one by one;
 * recording is idempotent by id). Under a steady stream of lookups the relay hands over a poll's worth at
 * once: one INSERT for all.
 */
@Injectable()
export class AuditRecordsBatcher {
  private waiting: Waiting[] = [];
  private draining = false;

  constructor(private readonly events: AuditEventsRepository) {}

  record(record: AuditEventRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ record, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, AUDIT_EVENTS_PER_RECORD);
      try {
        await this.events.append(group.map((waiting) => waiting.record));
        for (const waiting of group) waiting.resolve();
      } catch (error) {
        if (group.length === 1) group[0].reject(error);
        else await this.oneByOne(group);
      }
    }
    this.draining = false;
  }

  /** A group's INSERT failed: each event alone, so one the database refuses fails alone, not its company. */
  private async oneByOne(group: Waiting[]): Promise<void> {
    for (const waiting of group) {
      try {
        await this.events.append([waiting.record]);
        waiting.resolve();
      } catch (error) {
        waiting.reject(error);
      }
    }
  }
}
