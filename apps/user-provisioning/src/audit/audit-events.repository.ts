import { Injectable } from '@nestjs/common';
import type {
  AuditEventInputV1,
  AuditEventsPageV1,
  AuditEventViewV1,
  ListAuditEventsRequestV1,
} from '@bridge/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';

export const AUDIT_EVENTS_PAGE_SIZE = 100;

interface AuditEventRow {
  seq: string;
  id: string;
  at: Date;
  actor_kind: 'client' | 'user';
  actor_id: string;
  action: string;
  resource_type: string;
  resource_id: string;
  correlation_id: string;
}

/**
 * An event to record; `id` given when the event already has one (a consumed message's), so recording it
 * again records nothing.
 */
export type AuditEventRecord = AuditEventInputV1 & { id?: string };

/**
 * The platform audit trail: appended by the gateway's @Audited routes, by this service's own changes and by
 * events other services announce (a pull-import lookup); read newest first per hospital.
 */
@Injectable()
export class AuditEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One statement for the whole batch: a page of patients is recorded entirely or not at all. With a
   * manager, inside the caller's transaction (a change recorded by this service commits with it).
   */
  async append(
    events: AuditEventRecord[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<number> {
    const columns = 9;
    const values: unknown[] = [];
    const rows = events.map((event, index) => {
      values.push(
        event.id ?? randomUUID(),
        event.hospitalId,
        event.at,
        event.actor.kind,
        event.actor.id,
        event.action,
        event.resource.type,
        event.resource.id,
        event.correlationId,
      );
      const first = index * columns;
      return `(${Array.from({ length: columns }, (_, column) => `$${first + column + 1}`).join(', ')})`;
    });
    await manager.query(
      `INSERT INTO user_provisioning.audit_events
         (id, hospital_id, at, actor_kind, actor_id, action, resource_type, resource_id, correlation_id)
       VALUES ${rows.join(', ')}
       ON CONFLICT (id) DO NOTHING`,
      values,
    );
    return events.length;
  }

  async page(query: ListAuditEventsRequestV1, limit = AUDIT_EVENTS_PAGE_SIZE): Promise<AuditEventsPageV1> {
    const conditions = ['hospital_id = $1'];
    const values: unknown[] = [query.hospitalId];
    const where = (sql: (placeholder: string) => string, value: unknown) => {
      values.push(value);
      conditions.push(sql(`$${values.length}`));
    };
    if (query.action) where((p) => `action = ${p}`, query.action);
    if (query.actor) {
      const [kind, id] = splitActor(query.actor);
      if (kind) where((p) => `actor_kind = ${p}`, kind);
      where((p) => `actor_id = ${p}`, id);
    }
    if (query.from) where((p) => `at >= ${p}`, query.from);
    if (query.to) where((p) => `at < ${p}`, query.to);
    if (query.cursor) where((p) => `seq < ${p}`, seqOfCursor(query.cursor));
    values.push(limit + 1);
    const rows: AuditEventRow[] = await this.dataSource.query(
      `SELECT seq, id, at, actor_kind, actor_id, action, resource_type, resource_id, correlation_id
         FROM user_provisioning.audit_events WHERE ${conditions.join(' AND ')}
        ORDER BY seq DESC LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, limit);
    const more = rows.length > limit;
    return {
      events: page.map(viewOf),
      ...(more ? { nextCursor: cursorOf(page[page.length - 1].seq) } : {}),
    };
  }
}

function splitActor(actor: string): [kind: string | undefined, id: string] {
  const match = /^(client|user):(.+)$/.exec(actor);
  return match ? [match[1], match[2]] : [undefined, actor];
}

/** Opaque to callers; a cursor that does not decode to a position simply starts from the top. */
function cursorOf(seq: string): string {
  return Buffer.from(`s${seq}`).toString('base64url');
}

function seqOfCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString();
  return /^s\d{1,19}$/.test(decoded) ? decoded.slice(1) : '9223372036854775807';
}

function viewOf(row: AuditEventRow): AuditEventViewV1 {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: { kind: row.actor_kind, id: row.actor_id },
    action: row.action,
    resource: { type: row.resource_type, id: row.resource_id },
    correlationId: row.correlation_id,
  };
}
