import { Injectable } from '@nestjs/common';
import { AUDIT_EVENTS_PER_RECORD } from '@bridge/contracts';
import { AuditEventsRepository, type AuditEventRecord } from './audit-events.repository';

/** One caller's records: written together or not at all. */
interface Waiting {
  records: AuditEventRecord[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Records audit events in groups (group commit): the records handed over in one turn of the event loop, or
 * while the previous INSERT is in flight, go together in the next one. A lone caller waits for no company.
 * Each caller's promise settles with its own records, so the transport acks a consumed event, and the
 * gateway answers an audited read, only once its records are in; a caller's records are never split across
 * INSERTs, and a group the database refuses is tried caller by caller, so one refused fails alone, not its
 * company. Under load, the lookups the relay hands over in one poll and the reads answered meanwhile share one
 * INSERT and its commit.
 */
@Injectable()
export class AuditRecordsBatcher {
  private waiting: Waiting[] = [];
  private draining = false;

  constructor(private readonly events: AuditEventsRepository) {}

  record(records: AuditEventRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ records, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.nextGroup();
      try {
        await this.events.append(group.flatMap((waiting) => waiting.records));
        for (const waiting of group) waiting.resolve();
      } catch (error) {
        if (group.length === 1) group[0].reject(error);
        else await this.oneByOne(group);
      }
    }
    this.draining = false;
  }

  /** The first caller, then those after it while the group stays within one request's worth of records. */
  private nextGroup(): Waiting[] {
    let records = this.waiting[0].records.length;
    let size = 1;
    while (
      size < this.waiting.length &&
      records + this.waiting[size].records.length <= AUDIT_EVENTS_PER_RECORD
    ) {
      records += this.waiting[size].records.length;
      size++;
    }
    return this.waiting.splice(0, size);
  }

  /** A group's INSERT failed: each caller's records alone, so one the database refuses fails alone. */
  private async oneByOne(group: Waiting[]): Promise<void> {
    for (const waiting of group) {
      try {
        await this.events.append(waiting.records);
        waiting.resolve();
      } catch (error) {
        waiting.reject(error);
      }
    }
  }
}
