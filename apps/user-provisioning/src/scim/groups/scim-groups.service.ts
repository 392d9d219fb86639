import { Injectable } from '@nestjs/common';
import {
  DomainError,
  SCIM_GROUP_SCHEMA,
  SCIM_SCHEMAS,
  type ActorV1,
  type ScimGroupV1,
  type ScimListResponseV1,
  type ScimGroupRolesV1,
  type UserRole,
} from '@bridge/contracts';
import { isUniqueViolation } from '@bridge/database';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../../audit/audit-log';
import { UsersRepository } from '../../users/users.repository';
import { UsersWriter, type Provenance } from '../../users/users.writer';
import { parseFilter } from '../filter/scim-filter-grammar';
import { filterToSql, type FilterableAttributes } from '../filter/scim-filter-sql';
import { scimError } from '../scim-attributes';
import { SCIM_MAX_RESULTS } from '../scim-discovery';
import { parsePatchRequest } from '../scim-patch';
import { applyGroupPatch, type ScimGroupState } from './scim-group-patch';
import { parseScimGroup, toScimGroup } from './scim-group.mapper';
import { ScimGroupsRepository, type ScimGroup } from './scim-groups.repository';

const GROUP_FILTER_ATTRIBUTES: FilterableAttributes = {
  id: { type: 'string', sql: 'id::text' },
  externalid: { type: 'string', sql: 'external_id', caseExact: true },
  displayname: { type: 'string', sql: 'display_name' },
  members: {
    type: 'multi',
    sql: `(SELECT jsonb_agg(jsonb_build_object('value', m.user_id::text, 'type', 'User'))
           FROM user_provisioning.scim_group_members m WHERE m.group_id = scim_groups.id)`,
    subs: { value: { type: 'string' }, type: { type: 'string' } },
  },
  'meta.created': { type: 'dateTime', sql: 'created_at' },
  'meta.lastmodified': { type: 'dateTime', sql: 'updated_at' },
};

const DEFAULT_COUNT = 100;

/**
 * SCIM Groups (RFC 7644), pushed by Entra ID or Okta. A group gives its members the Care-app roles the
 * hospital mapped to it (PUT /v1/admin/hospitals/{id}/scim-group-roles): whenever membership, a group's
 * name or the mapping changes, the members' roles are recomputed (their own roles plus their groups'),
 * in the same transaction, audited as the user's change; the group change is audited too.
 */
@Injectable()
export class ScimGroupsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly groups: ScimGroupsRepository,
    private readonly users: UsersRepository,
    private readonly writer: UsersWriter,
    private readonly audit: AuditLog,
  ) {}

  async list(
    hospitalId: string,
    baseUrl: string,
    query: { filter?: string; startIndex?: string; count?: string; excludedAttributes?: string },
  ): Promise<ScimListResponseV1<ScimGroupV1>> {
    const condition =
      query.filter !== undefined && query.filter.trim() !== ''
        ? filterToSql(parseFilter(query.filter, [SCIM_GROUP_SCHEMA]), GROUP_FILTER_ATTRIBUTES, 2)
        : undefined;
    const startIndex = Math.max(1, integerOf(query.startIndex, 'startIndex') ?? 1);
    const count = Math.min(SCIM_MAX_RESULTS, Math.max(0, integerOf(query.count, 'count') ?? DEFAULT_COUNT));
    const manager = this.dataSource.manager;
    const page = await this.groups.page(manager, hospitalId, condition, {
      offset: startIndex - 1,
      limit: count,
    });
    const members = excludesMembers(query.excludedAttributes)
      ? undefined
      : await this.groups.visibleMembers(
          manager,
          page.groups.map((group) => group.id),
        );
    return {
      schemas: [SCIM_SCHEMAS.listResponse],
      totalResults: page.total,
      startIndex,
      itemsPerPage: page.groups.length,
      Resources: page.groups.map((group) => toScimGroup(group, members?.get(group.id), baseUrl)),
    };
  }

  async get(hospitalId: string, baseUrl: string, groupId: string, excludedAttributes?: string) {
    const group = await this.existing(this.dataSource.manager, hospitalId, groupId);
    return this.view(this.dataSource.manager, group, baseUrl, excludesMembers(excludedAttributes));
  }

  async create(hospitalId: string, actor: ActorV1, baseUrl: string, resource: Record<string, unknown>) {
    const input = parseScimGroup(resource);
    const provenance: Provenance = { actor, channel: 'scim' };
    return this.dataSource.transaction(async (manager) => {
      await this.refuseClash(manager, hospitalId, input);
      const group = await uniquely(() =>
        this.groups.insert(manager, {
          id: randomUUID(),
          hospitalId,
          displayName: input.displayName,
          externalId: input.externalId ?? null,
        }),
      );
      await this.audit.record(manager, hospitalId, {
        action: 'group.created',
        ...provenance,
        groupId: group.id,
        fields: ['displayName', ...(group.externalId ? ['externalId'] : [])],
      });
      await this.changeMembers(manager, group, [], input.members ?? [], provenance);
      return this.view(manager, group, baseUrl);
    });
  }

  /** PUT: displayName as sent; externalId and members when sent (null or [] clears), else kept. */
  async replace(
    hospitalId: string,
    actor: ActorV1,
    baseUrl: string,
    groupId: string,
    resource: Record<string, unknown>,
  ) {
    const input = parseScimGroup(resource);
    return this.change(hospitalId, actor, baseUrl, groupId, (current) => ({
      displayName: input.displayName,
      externalId: input.externalId !== undefined ? input.externalId : current.externalId,
      members: input.members ?? current.members,
    }));
  }

  async patch(
    hospitalId: string,
    actor: ActorV1,
    baseUrl: string,
    groupId: string,
    body: Record<string, unknown>,
  ) {
    const operations = parsePatchRequest(body);
    return this.change(hospitalId, actor, baseUrl, groupId, (current) =>
      applyGroupPatch(current, operations),
    );
  }

  /** The group goes (RFC 7644 §3.6: then 404); its members lose what it gave them. */
  async delete(hospitalId: string, actor: ActorV1, groupId: string): Promise<null> {
    const provenance: Provenance = { actor, channel: 'scim' };
    await this.dataSource.transaction(async (manager) => {
      const group = await this.existing(manager, hospitalId, groupId, { forUpdate: true });
      const members = await this.groups.memberIds(manager, group.id);
      await this.groups.delete(manager, group);
      await this.audit.record(manager, hospitalId, {
        action: 'group.deleted',
        ...provenance,
        groupId: group.id,
        fields: members.length > 0 ? ['members'] : [],
      });
      await this.refreshRoles(manager, hospitalId, members, provenance);
    });
    return null;
  }

  /**
   * Replaces the hospital's group-to-role mapping and recomputes the roles of every user it may touch.
   * A mapping names a group by displayName (case-insensitively) or externalId, so it may be set before
   * the IdP pushes the group.
   */
  /** The mapping as stored, sorted by group then role, so an exported configuration reads the same each time. */
  async roleMappings(hospitalId: string): Promise<ScimGroupRolesV1> {
    const rows: { group_key: string; role: UserRole }[] = await this.dataSource.query(
      `SELECT group_key, role FROM user_provisioning.scim_group_roles WHERE hospital_id = $1
       ORDER BY group_key COLLATE "C", role COLLATE "C"`,
      [hospitalId],
    );
    return { mappings: rows.map((row) => ({ group: row.group_key, role: row.role })), usersUpdated: 0 };
  }

  async replaceRoleMappings(
    hospitalId: string,
    actor: ActorV1,
    mappings: { group: string; role: UserRole }[],
  ) {
    const unique = [
      ...new Map(mappings.map((mapping) => [`${mapping.group.trim()}\n${mapping.role}`, mapping])).values(),
    ].map((mapping) => ({ group: mapping.group.trim(), role: mapping.role }));
    const provenance: Provenance = { actor, channel: 'admin' };
    return this.dataSource.transaction(async (manager) => {
      const [hospital]: unknown[] = await manager.query(
        `SELECT 1 FROM user_provisioning.hospitals WHERE id = $1 FOR UPDATE`,
        [hospitalId],
      );
      if (!hospital) throw new DomainError('HOSPITAL_NOT_FOUND', 'No such hospital.');
      await this.groups.replaceRoleMappings(manager, hospitalId, unique);
      await this.audit.record(manager, hospitalId, {
        action: 'group-roles.replaced',
        ...provenance,
        fields: ['mappings'],
      });
      const affected = await this.groups.usersWithGroupRoles(manager, hospitalId);
      const usersUpdated = await this.refreshRoles(manager, hospitalId, affected, provenance);
      return { mappings: unique, usersUpdated };
    });
  }

  private async change(
    hospitalId: string,
    actor: ActorV1,
    baseUrl: string,
    groupId: string,
    next: (current: ScimGroupState) => ScimGroupState,
  ): Promise<ScimGroupV1> {
    const provenance: Provenance = { actor, channel: 'scim' };
    return this.dataSource.transaction(async (manager) => {
      const group = await this.existing(manager, hospitalId, groupId, { forUpdate: true });
      const before = await this.groups.memberIds(manager, group.id);
      const wanted = next({ displayName: group.displayName, externalId: group.externalId, members: before });
      const renamed = wanted.displayName !== group.displayName || wanted.externalId !== group.externalId;
      let updated = group;
      if (renamed) {
        await this.refuseClash(manager, hospitalId, wanted, group.id);
        updated = await uniquely(() => this.groups.update(manager, group, wanted));
        await this.audit.record(manager, hospitalId, {
          action: 'group.updated',
          ...provenance,
          groupId: group.id,
          fields: [
            ...(wanted.displayName !== group.displayName ? ['displayName'] : []),
            ...(wanted.externalId !== group.externalId ? ['externalId'] : []),
          ],
        });
      }
      const membersChanged = await this.changeMembers(manager, updated, before, wanted.members, provenance);
      if (membersChanged && !renamed) updated = await this.groups.touch(manager, updated);
      // A new name may match another role mapping: every member's roles are recomputed.
      if (renamed) await this.refreshRoles(manager, hospitalId, wanted.members, provenance);
      return this.view(manager, updated, baseUrl);
    });
  }

  /** Applies the member set, each joiner and leaver audited, and recomputes their roles. */
  private async changeMembers(
    manager: EntityManager,
    group: ScimGroup,
    before: string[],
    after: string[],
    provenance: Provenance,
  ): Promise<boolean> {
    const added = after.filter((id) => !before.includes(id));
    const removed = before.filter((id) => !after.includes(id));
    const visible = await this.groups.visibleUserIds(manager, group.hospitalId, added);
    const unknown = added.find((id) => !visible.has(id));
    // Another hospital's user id is as unknown as a made-up one.
    if (unknown) throw scimError('invalidValue', `Member ${unknown} is not a user of this hospital.`);
    await this.groups.addMembers(manager, group.id, added);
    await this.groups.removeMembers(manager, group.id, removed);
    for (const [userId, fields] of [
      ...added.map((id) => [id, ['member.added']] as const),
      ...removed.map((id) => [id, ['member.removed']] as const),
    ]) {
      await this.audit.record(manager, group.hospitalId, {
        action: 'group.updated',
        ...provenance,
        userId,
        groupId: group.id,
        fields: [...fields],
      });
    }
    await this.refreshRoles(manager, group.hospitalId, [...added, ...removed], provenance);
    return added.length + removed.length > 0;
  }

  /** Recomputes each user's roles (own + groups'); returns how many changed. Locks in id order. */
  private async refreshRoles(
    manager: EntityManager,
    hospitalId: string,
    userIds: string[],
    provenance: Provenance,
  ): Promise<number> {
    let changed = 0;
    for (const userId of [...new Set(userIds)].sort()) {
      const user = await this.users.findById(manager, hospitalId, userId, { forUpdate: true });
      if (!user) continue;
      const updated = await this.writer.change(manager, user, {}, provenance, { refreshRoles: true });
      if (updated !== user) changed++;
    }
    return changed;
  }

  private async refuseClash(
    manager: EntityManager,
    hospitalId: string,
    wanted: { displayName: string; externalId?: string | null },
    exceptId?: string,
  ): Promise<void> {
    const clash = await this.groups.findClash(manager, hospitalId, wanted, exceptId);
    if (clash) throw uniqueness(clash);
  }

  private async existing(
    manager: EntityManager,
    hospitalId: string,
    groupId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<ScimGroup> {
    const group = await this.groups.findById(manager, hospitalId, groupId, options);
    if (!group) throw new DomainError('NOT_FOUND', 'No such group.');
    return group;
  }

  private async view(manager: EntityManager, group: ScimGroup, baseUrl: string, withoutMembers = false) {
    const members = withoutMembers
      ? undefined
      : (await this.groups.visibleMembers(manager, [group.id])).get(group.id);
    return toScimGroup(group, members, baseUrl);
  }
}

function excludesMembers(excludedAttributes: string | undefined): boolean {
  return (excludedAttributes ?? '').split(',').some((name) => name.trim().toLowerCase() === 'members');
}

function integerOf(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^-?\d{1,9}$/.test(value.trim())) throw scimError('invalidValue', `${name} must be an integer.`);
  return Number(value);
}

function uniqueness(attributeName: string): DomainError {
  return new DomainError('SCIM_GROUP_TAKEN', `A group with this ${attributeName} exists.`, {
    scimType: 'uniqueness',
  });
}

/** Two concurrent creates of one name: the unique index decides, and the loser gets the same 409. */
async function uniquely<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error, 'scim_groups_display_name')) throw uniqueness('displayName');
    if (isUniqueViolation(error, 'scim_groups_external_id')) throw uniqueness('externalId');
    throw error;
  }
}
