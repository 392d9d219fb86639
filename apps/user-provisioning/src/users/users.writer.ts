import { Injectable } from '@nestjs/common';
import { DomainError, type ActorV1, type AuditChannel } from '@bridge/contracts';
import { isUniqueViolation } from '@bridge/database';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditLog } from '../audit/audit-log';
import {
  effectiveRoles,
  planChange,
  type ChangeOptions,
  type UserFields,
  type WantedUser,
} from './user-changes';
import type { User } from './user.entity';
import { UsersRepository } from './users.repository';

export interface Provenance {
  actor: ActorV1;
  channel: AuditChannel;
}

/**
 * The writes every provisioning route shares (REST, login tokens, SCIM, admin): each runs inside the
 * caller's transaction, names a unique-key clash precisely, and writes its audit record alongside.
 */
@Injectable()
export class UsersWriter {
  constructor(
    private readonly users: UsersRepository,
    private readonly audit: AuditLog,
  ) {}

  /**
   * The user a request names: by hospitalUserId when given, else by e-mail (the userName of users made
   * by REST, else the one user with that e-mail; several are ambiguous). An e-mail match that carries
   * another hospitalUserId is a different person, never silently merged.
   */
  async match(
    manager: EntityManager,
    hospitalId: string,
    key: { email: string; userName?: string; hospitalUserId?: string | null },
  ): Promise<User | undefined> {
    if (key.hospitalUserId) {
      const byId = await this.users.findByHospitalUserId(manager, hospitalId, key.hospitalUserId);
      if (byId) return byId;
    }
    let byEmail = await this.users.findByUserName(manager, hospitalId, key.userName ?? key.email);
    if (!byEmail) {
      const sharing = await this.users.findByEmail(manager, hospitalId, key.email);
      if (sharing.length > 1)
        throw new DomainError('USER_EMAIL_TAKEN', 'Several users have this e-mail: send hospitalUserId.');
      byEmail = sharing[0];
    }
    if (
      byEmail &&
      key.hospitalUserId &&
      byEmail.hospitalUserId &&
      byEmail.hospitalUserId !== key.hospitalUserId
    ) {
      throw new DomainError('USER_EMAIL_TAKEN', 'This e-mail belongs to a user with another hospitalUserId.');
    }
    return byEmail;
  }

  /**
   * Creates the user, or returns the one that won a concurrent race for the same key. A clash on another
   * user's e-mail, hospitalUserId or physician code is refused.
   */
  async create(
    manager: EntityManager,
    hospitalId: string,
    fields: UserFields & { passwordHash?: string | null },
    provenance: Provenance,
  ): Promise<{ created: boolean; user: User }> {
    const inserted = await this.users.insert(manager, {
      id: randomUUID(),
      hospitalId,
      ...fields,
      userName: fields.userName ?? fields.email,
      directRoles: fields.roles,
      roles: effectiveRoles(fields.roles, []),
      passwordHash: fields.passwordHash ?? null,
    });
    if (inserted) {
      await this.audit.record(manager, hospitalId, {
        action: 'user.created',
        ...provenance,
        userId: inserted.id,
        fields: Object.entries(fields)
          .filter(([name, value]) => name !== 'passwordHash' && value !== null && value !== undefined)
          .map(([name]) => name),
      });
      return { created: true, user: inserted };
    }
    const existing = await this.match(manager, hospitalId, fields);
    if (existing) return { created: false, user: existing };
    if (
      fields.physicianCode &&
      (await this.users.physicianCodeTaken(manager, hospitalId, fields.physicianCode))
    ) {
      throw new DomainError('USER_IDENTIFIER_TAKEN', 'Another user of this hospital has this physicianCode.');
    }
    throw new DomainError('USER_EMAIL_TAKEN', 'A user with this e-mail or hospitalUserId exists.');
  }

  /**
   * Applies the attributes given; a no-op when nothing differs (and then nothing is audited). `roles`
   * given are the user's own; its effective roles add its groups' (recomputed also on `refreshRoles`,
   * after a group change).
   */
  async change(
    manager: EntityManager,
    current: User,
    fields: Partial<UserFields>,
    provenance: Provenance,
    options: ChangeOptions & { refreshRoles?: boolean } = {},
  ): Promise<User> {
    const wanted: WantedUser = { ...fields };
    if (fields.roles !== undefined || options.refreshRoles) {
      const direct = fields.roles ?? current.directRoles;
      const fromGroups = await this.users.groupRolesOf(manager, current.hospitalId, current.id);
      wanted.directRoles = direct;
      wanted.roles = effectiveRoles(direct, fromGroups);
    }
    if (fields.email !== undefined && fields.email.toLowerCase() !== current.email.toLowerCase()) {
      // An e-mail changed by REST: a userName that was the e-mail follows it, and the SCIM e-mail list,
      // which would name the old address as primary, is derived from the new one again.
      if (fields.userName === undefined && current.userName.toLowerCase() === current.email.toLowerCase())
        wanted.userName = fields.email;
      if (fields.emails === undefined && current.emails !== null) wanted.emails = null;
    }
    const plan = planChange(current, wanted, options);
    if (!plan.action) return current;
    let updated: User;
    try {
      updated = await this.users.update(manager, current.hospitalId, current.id, plan.update);
    } catch (error) {
      throw nameClash(error);
    }
    await this.audit.record(manager, current.hospitalId, {
      action: plan.action,
      ...provenance,
      userId: current.id,
      fields: plan.fields,
    });
    return updated;
  }
}

function nameClash(error: unknown): unknown {
  if (isUniqueViolation(error, 'users_hospital_user_name')) {
    return new DomainError(
      'USER_EMAIL_TAKEN',
      'Another user of this hospital has this userName (or e-mail).',
    );
  }
  if (isUniqueViolation(error, 'users_hospital_user_id')) {
    return new DomainError('USER_IDENTIFIER_TAKEN', 'Another user of this hospital has this hospitalUserId.');
  }
  if (isUniqueViolation(error, 'users_physician_code')) {
    return new DomainError('USER_IDENTIFIER_TAKEN', 'Another user of this hospital has this physicianCode.');
  }
  return error;
}
