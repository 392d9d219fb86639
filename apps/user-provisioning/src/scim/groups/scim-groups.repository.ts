import { Injectable } from '@nestjs/common';
import type { UserRole } from '@bridge/contracts';
import type { EntityManager } from 'typeorm';
import type { SqlCondition } from '../filter/scim-filter-sql';

export interface ScimGroup {
  id: string;
  hospitalId: string;
  displayName: string;
  externalId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface GroupMember {
  userId: string;
  display: string;
}

interface GroupRow {
  id: string;
  hospital_id: string;
  display_name: string;
  external_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, hospital_id, display_name, external_id, created_at, updated_at';

/** Named queries on SCIM groups, their members and the hospital's group-to-role mapping; all per hospital. */
@Injectable()
export class ScimGroupsRepository {
  async findById(
    manager: EntityManager,
    hospitalId: string,
    groupId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<ScimGroup | undefined> {
    const rows: GroupRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM user_provisioning.scim_groups WHERE hospital_id = $1 AND id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [hospitalId, groupId],
    );
    return rows[0] && toGroup(rows[0]);
  }

  /** Another group of the hospital holding this displayName (case-insensitively) or externalId. */
  async findClash(
    manager: EntityManager,
    hospitalId: string,
    wanted: { displayName?: string; externalId?: string | null },
    exceptId?: string,
  ): Promise<'displayName' | 'externalId' | undefined> {
    const rows: { display_name: string; external_id: string | null }[] = await manager.query(
      `SELECT display_name, external_id FROM user_provisioning.scim_groups
       WHERE hospital_id = $1 AND id IS DISTINCT FROM $2::uuid
         AND (lower(display_name) = lower($3) OR external_id = $4)`,
      [hospitalId, exceptId ?? null, wanted.displayName ?? null, wanted.externalId ?? null],
    );
    if (
      rows.some(
        (row) => wanted.displayName && row.display_name.toLowerCase() === wanted.displayName.toLowerCase(),
      )
    )
      return 'displayName';
    return rows.length > 0 ? 'externalId' : undefined;
  }

  async insert(
    manager: EntityManager,
    group: { id: string; hospitalId: string; displayName: string; externalId: string | null },
  ): Promise<ScimGroup> {
    const rows: GroupRow[] = await manager.query(
      `INSERT INTO user_provisioning.scim_groups (id, hospital_id, display_name, external_id)
       VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [group.id, group.hospitalId, group.displayName, group.externalId],
    );
    return toGroup(rows[0]);
  }

  async update(
    manager: EntityManager,
    group: ScimGroup,
    changes: { displayName: string; externalId: string | null },
  ): Promise<ScimGroup> {
    const [rows]: [GroupRow[], number] = await manager.query(
      `UPDATE user_provisioning.scim_groups SET display_name = $3, external_id = $4, updated_at = now()
       WHERE hospital_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [group.hospitalId, group.id, changes.displayName, changes.externalId],
    );
    return toGroup(rows[0]);
  }

  /** Marks the group changed (its members did). */
  async touch(manager: EntityManager, group: ScimGroup): Promise<ScimGroup> {
    return this.update(manager, group, { displayName: group.displayName, externalId: group.externalId });
  }

  async delete(manager: EntityManager, group: ScimGroup): Promise<void> {
    await manager.query(`DELETE FROM user_provisioning.scim_groups WHERE hospital_id = $1 AND id = $2`, [
      group.hospitalId,
      group.id,
    ]);
  }

  /** Every member id (deleted users too: they leave only when removed or when the group goes). */
  async memberIds(manager: EntityManager, groupId: string): Promise<string[]> {
    const rows: { user_id: string }[] = await manager.query(
      `SELECT user_id FROM user_provisioning.scim_group_members WHERE group_id = $1 ORDER BY user_id`,
      [groupId],
    );
    return rows.map((row) => row.user_id);
  }

  /** The members SCIM shows (users not deleted), per group, with their display name. */
  async visibleMembers(manager: EntityManager, groupIds: string[]): Promise<Map<string, GroupMember[]>> {
    const members = new Map<string, GroupMember[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return members;
    const rows: { group_id: string; user_id: string; display: string }[] = await manager.query(
      `SELECT m.group_id, m.user_id,
              COALESCE(u.display_name, NULLIF(trim(u.first_name || ' ' || u.last_name), ''), u.user_name) AS display
       FROM user_provisioning.scim_group_members m JOIN user_provisioning.users u ON u.id = m.user_id
       WHERE m.group_id = ANY($1::uuid[]) AND u.deleted_at IS NULL ORDER BY u.created_at, u.id`,
      [groupIds],
    );
    for (const row of rows) members.get(row.group_id)!.push({ userId: row.user_id, display: row.display });
    return members;
  }

  /** Of these ids, the users of the hospital that SCIM can see (so another hospital's ids are refused). */
  async visibleUserIds(manager: EntityManager, hospitalId: string, userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM user_provisioning.users WHERE hospital_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL`,
      [hospitalId, userIds],
    );
    return new Set(rows.map((row) => row.id));
  }

  async addMembers(manager: EntityManager, groupId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await manager.query(
      `INSERT INTO user_provisioning.scim_group_members (group_id, user_id)
       SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
      [groupId, userIds],
    );
  }

  async removeMembers(manager: EntityManager, groupId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await manager.query(
      `DELETE FROM user_provisioning.scim_group_members WHERE group_id = $1 AND user_id = ANY($2::uuid[])`,
      [groupId, userIds],
    );
  }

  /** One page of the hospital's groups matching the filter's condition ($1 is the hospital id). */
  async page(
    manager: EntityManager,
    hospitalId: string,
    condition: SqlCondition | undefined,
    page: { offset: number; limit: number },
  ): Promise<{ total: number; groups: ScimGroup[] }> {
    const where = `hospital_id = $1${condition ? ` AND ${condition.sql}` : ''}`;
    const parameters: unknown[] = [hospitalId, ...(condition?.parameters ?? [])];
    const [{ total }]: { total: number }[] = await manager.query(
      `SELECT count(*)::int AS total FROM user_provisioning.scim_groups WHERE ${where}`,
      parameters,
    );
    if (page.limit === 0 || total <= page.offset) return { total, groups: [] };
    const rows: GroupRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM user_provisioning.scim_groups WHERE ${where}
       ORDER BY created_at, id OFFSET $${parameters.length + 1} LIMIT $${parameters.length + 2}`,
      [...parameters, page.offset, page.limit],
    );
    return { total, groups: rows.map(toGroup) };
  }

  async replaceRoleMappings(
    manager: EntityManager,
    hospitalId: string,
    mappings: { group: string; role: UserRole }[],
  ): Promise<void> {
    await manager.query(`DELETE FROM user_provisioning.scim_group_roles WHERE hospital_id = $1`, [
      hospitalId,
    ]);
    if (mappings.length === 0) return;
    await manager.query(
      `INSERT INTO user_provisioning.scim_group_roles (hospital_id, group_key, role)
       SELECT $1, unnest($2::text[]), unnest($3::text[]) ON CONFLICT DO NOTHING`,
      [hospitalId, mappings.map((mapping) => mapping.group), mappings.map((mapping) => mapping.role)],
    );
  }

  /** Users whose roles may depend on groups: members of a group, or holding more than their own roles. */
  async usersWithGroupRoles(manager: EntityManager, hospitalId: string): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `SELECT u.id FROM user_provisioning.users u
       WHERE u.hospital_id = $1 AND (
         NOT (u.roles <@ u.direct_roles AND u.direct_roles <@ u.roles)
         OR EXISTS (SELECT 1 FROM user_provisioning.scim_group_members m
                    JOIN user_provisioning.scim_groups g ON g.id = m.group_id
                    WHERE m.user_id = u.id AND g.hospital_id = $1))
       ORDER BY u.id`,
      [hospitalId],
    );
    return rows.map((row) => row.id);
  }
}

function toGroup(row: GroupRow): ScimGroup {
  return {
    id: row.id,
    hospitalId: row.hospital_id,
    displayName: row.display_name,
    externalId: row.external_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
