import { Injectable } from '@nestjs/common';
import type { ActorV1, AuditAction, AuditChannel, AuditEntryV1 } from '@bridge/contracts';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';

export interface AuditRecord {
  action: AuditAction;
  channel: AuditChannel;
  actor: ActorV1;
  /** The user concerned; a group's own changes (created, renamed, deleted) name only the group. */
  userId?: string;
  groupId?: string;
  /** Names of the attributes that changed; never their values. */
  fields?: string[];
}

interface AuditRow {
  id: string;
  at: Date;
  action: AuditAction;
  channel: AuditChannel;
  actor_kind: 'client' | 'user';
  actor_subject: string;
  user_id: string;
  group_id: string | null;
  fields: string[];
}

/**
 * Who provisioned what, when. Written in the transaction of the change it records, so an audited change
 * and its record commit together. No values: no secrets, no PHI beyond ids.
 */
@Injectable()
export class AuditLog {
  async record(manager: EntityManager, hospitalId: string, record: AuditRecord): Promise<void> {
    await manager.query(
      `INSERT INTO user_provisioning.audit_log
         (id, hospital_id, user_id, action, channel, actor_kind, actor_subject, fields, group_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        randomUUID(),
        hospitalId,
        record.userId ?? null,
        record.action,
        record.channel,
        record.actor.kind,
        record.actor.subject,
        record.fields ?? [],
        record.groupId ?? null,
      ],
    );
  }

  async listForUser(
    manager: EntityManager,
    hospitalId: string,
    userId: string,
    limit = 500,
  ): Promise<AuditEntryV1[]> {
    const rows: AuditRow[] = await manager.query(
      `SELECT id, at, action, channel, actor_kind, actor_subject, user_id, group_id, fields FROM user_provisioning.audit_log
       WHERE hospital_id = $1 AND user_id = $2 ORDER BY at, id LIMIT $3`,
      [hospitalId, userId, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      action: row.action,
      channel: row.channel,
      actor: { kind: row.actor_kind, subject: row.actor_subject },
      userId: row.user_id,
      ...(row.group_id ? { groupId: row.group_id } : {}),
      fields: row.fields,
    }));
  }
}
