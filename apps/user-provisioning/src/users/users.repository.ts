import { Injectable } from '@nestjs/common';
import type { UserRole } from '@bridge/contracts';
import type { EntityManager } from 'typeorm';
import type { User, UserEmail } from './user.entity';
import type { SqlCondition } from '../scim/filter/scim-filter-sql';

interface UserRow {
  id: string;
  hospital_id: string;
  user_name: string;
  email: string;
  email_lower: string;
  first_name: string;
  last_name: string;
  roles: UserRole[];
  direct_roles: UserRole[];
  display_name: string | null;
  name_formatted: string | null;
  emails: UserEmail[] | null;
  addresses: Record<string, unknown>[] | null;
  hospital_user_id: string | null;
  physician_code: string | null;
  preferred_language: string | null;
  password_hash: string | null;
  active: boolean;
  session_version: number;
  deleted_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, hospital_id, user_name, email, email_lower, first_name, last_name, roles, direct_roles, display_name,
  name_formatted, emails, addresses, hospital_user_id, physician_code, preferred_language, password_hash, active, session_version,
  deleted_at, created_at, updated_at`;

/** What a new user row needs; the rest takes its default. */
export interface NewUser {
  id: string;
  hospitalId: string;
  userName: string;
  email: string;
  firstName: string;
  lastName: string;
  roles: UserRole[];
  directRoles: UserRole[];
  displayName?: string | null;
  nameFormatted?: string | null;
  emails?: UserEmail[] | null;
  addresses?: Record<string, unknown>[] | null;
  hospitalUserId: string | null;
  physicianCode: string | null;
  preferredLanguage?: string | null;
  passwordHash: string | null;
  active: boolean;
}

/** The columns an update may set; `revokeSessions` bumps the session version. */
export interface UserUpdate {
  userName?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  roles?: UserRole[];
  directRoles?: UserRole[];
  displayName?: string | null;
  nameFormatted?: string | null;
  emails?: UserEmail[] | null;
  addresses?: Record<string, unknown>[] | null;
  hospitalUserId?: string | null;
  physicianCode?: string | null;
  preferredLanguage?: string | null;
  active?: boolean;
  deletedAt?: Date | null;
  revokeSessions?: boolean;
}

const UPDATABLE: Record<Exclude<keyof UserUpdate, 'revokeSessions'>, string> = {
  userName: 'user_name',
  email: 'email',
  firstName: 'first_name',
  lastName: 'last_name',
  roles: 'roles',
  directRoles: 'direct_roles',
  displayName: 'display_name',
  nameFormatted: 'name_formatted',
  emails: 'emails',
  addresses: 'addresses',
  hospitalUserId: 'hospital_user_id',
  physicianCode: 'physician_code',
  preferredLanguage: 'preferred_language',
  active: 'active',
  deletedAt: 'deleted_at',
};

/** jsonb columns: node-postgres would send a JS array as a PostgreSQL array, so they travel as JSON text. */
const JSONB: ReadonlySet<string> = new Set(['emails', 'addresses']);

/** Named queries on users; every one takes the hospital id, except sign-in, which is what finds it. */
@Injectable()
export class UsersRepository {
  async findById(
    manager: EntityManager,
    hospitalId: string,
    userId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<User | undefined> {
    const rows: UserRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM user_provisioning.users WHERE hospital_id = $1 AND id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [hospitalId, userId],
    );
    return rows[0] && toUser(rows[0]);
  }

  /** SCIM userName (for REST users, their e-mail), compared case-insensitively. */
  async findByUserName(
    manager: EntityManager,
    hospitalId: string,
    userName: string,
  ): Promise<User | undefined> {
    const rows: UserRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM user_provisioning.users WHERE hospital_id = $1 AND lower(user_name) = $2 FOR UPDATE`,
      [hospitalId, userName.toLowerCase()],
    );
    return rows[0] && toUser(rows[0]);
  }

  /** The users with this Care-app e-mail (at most `limit`): e-mails may be shared. */
  async findByEmail(manager: EntityManager, hospitalId: string, email: string, limit = 2): Promise<User[]> {
    const rows: UserRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM user_provisioning.users WHERE hospital_id = $1 AND email_lower = $2
       ORDER BY created_at, id LIMIT $3 FOR UPDATE`,
      [hospitalId, email.toLowerCase(), limit],
    );
    return rows.map(toUser);
  }

  /** The roles the user's SCIM groups map to (scim-group-roles names a group by displayName or externalId). */
  async groupRolesOf(manager: EntityManager, hospitalId: string, userId: string): Promise<UserRole[]> {
    const rows: { role: UserRole }[] = await manager.query(
      `SELECT DISTINCT r.role FROM user_provisioning.scim_group_members m
       JOIN user_provisioning.scim_groups g ON g.id = m.group_id
       JOIN user_provisioning.scim_group_roles r ON r.hospital_id = g.hospital_id
         AND (lower(r.group_key) = lower(g.display_name) OR r.group_key = g.external_id)
       WHERE g.hospital_id = $1 AND m.user_id = $2 ORDER BY r.role`,
      [hospitalId, userId],
    );
    return rows.map((row) => row.role);
  }

  async findByHospitalUserId(
    manager: EntityManager,
    hospitalId: string,
    hospitalUserId: string,
  ): Promise<User | undefined> {
    const rows: UserRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM user_provisioning.users WHERE hospital_id = $1 AND hospital_user_id = $2 FOR UPDATE`,
      [hospitalId, hospitalUserId],
    );
    return rows[0] && toUser(rows[0]);
  }

  async physicianCodeTaken(
    manager: EntityManager,
    hospitalId: string,
    physicianCode: string,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM user_provisioning.users WHERE hospital_id = $1 AND physician_code = $2`,
      [hospitalId, physicianCode],
    );
    return rows.length > 0;
  }

  /** Every user of the hospital (deleted ones too: REST shows them inactive), oldest first, bounded. */
  async list(
    manager: EntityManager,
    hospitalId: string,
    filter: { email?: string },
    limit: number,
  ): Promise<User[]> {
    const byEmail = filter.email !== undefined;
    const rows: UserRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM user_provisioning.users
       WHERE hospital_id = $1${byEmail ? ' AND email_lower = $3' : ''}
       ORDER BY created_at, id LIMIT $2`,
      byEmail ? [hospitalId, limit, filter.email!.toLowerCase()] : [hospitalId, limit],
    );
    return rows.map(toUser);
  }

  /** Inserts unless a unique key (e-mail, hospital user id, physician code) is taken: then undefined. */
  async insert(manager: EntityManager, user: NewUser): Promise<User | undefined> {
    const rows: UserRow[] = await manager.query(
      `INSERT INTO user_provisioning.users
         (id, hospital_id, email, email_lower, first_name, last_name, roles, hospital_user_id, physician_code,
          password_hash, active, user_name, direct_roles, display_name, name_formatted, emails, addresses,
          preferred_language)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::jsonb, $17::jsonb, $18)
       ON CONFLICT DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        user.id,
        user.hospitalId,
        user.email,
        user.email.toLowerCase(),
        user.firstName,
        user.lastName,
        user.roles,
        user.hospitalUserId,
        user.physicianCode,
        user.passwordHash,
        user.active,
        user.userName,
        user.directRoles,
        user.displayName ?? null,
        user.nameFormatted ?? null,
        jsonOf(user.emails),
        jsonOf(user.addresses),
        user.preferredLanguage ?? null,
      ],
    );
    return rows[0] && toUser(rows[0]);
  }

  /** Sets the given columns (a unique violation surfaces as the driver error, for the caller to name). */
  async update(
    manager: EntityManager,
    hospitalId: string,
    userId: string,
    update: UserUpdate,
  ): Promise<User> {
    const assignments = ['updated_at = now()'];
    const parameters: unknown[] = [hospitalId, userId];
    for (const [key, column] of Object.entries(UPDATABLE) as [keyof typeof UPDATABLE, string][]) {
      if (update[key] === undefined) continue;
      parameters.push(JSONB.has(key) ? jsonOf(update[key] as unknown[] | null) : update[key]);
      assignments.push(`${column} = $${parameters.length}${JSONB.has(key) ? '::jsonb' : ''}`);
      if (key === 'email') assignments.push(`email_lower = lower($${parameters.length})`);
    }
    if (update.revokeSessions) assignments.push('session_version = session_version + 1');
    const [rows]: [UserRow[], number] = await manager.query(
      `UPDATE user_provisioning.users SET ${assignments.join(', ')}
       WHERE hospital_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      parameters,
    );
    return toUser(rows[0]);
  }

  async isSessionCurrent(
    manager: EntityManager,
    hospitalId: string,
    userId: string,
    sessionVersion: number,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM user_provisioning.users
       WHERE hospital_id = $1 AND id = $2 AND active AND session_version = $3`,
      [hospitalId, userId, sessionVersion],
    );
    return rows.length > 0;
  }

  /** One page of the users SCIM can see (not deleted) matching the filter's condition, in a stable order. */
  async scimPage(
    manager: EntityManager,
    hospitalId: string,
    condition: SqlCondition | undefined,
    page: { offset: number; limit: number },
  ): Promise<{ total: number; users: User[] }> {
    const where = `hospital_id = $1 AND deleted_at IS NULL${condition ? ` AND ${condition.sql}` : ''}`;
    const parameters: unknown[] = [hospitalId, ...(condition?.parameters ?? [])];
    const [{ total }]: { total: number }[] = await manager.query(
      `SELECT count(*)::int AS total FROM user_provisioning.users WHERE ${where}`,
      parameters,
    );
    if (page.limit === 0 || total <= page.offset) return { total, users: [] };
    const rows: UserRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM user_provisioning.users WHERE ${where}
       ORDER BY created_at, id OFFSET $${parameters.length + 1} LIMIT $${parameters.length + 2}`,
      [...parameters, page.offset, page.limit],
    );
    return { total, users: rows.map(toUser) };
  }

  /**
   * Password sign-in starts before any hospital is known: the accounts with this e-mail that have a
   * password, in one hospital (by key) or in all of them. The only cross-hospital query, by design.
   */
  async findSignInCandidates(
    manager: EntityManager,
    email: string,
    hospitalKey: string | undefined,
  ): Promise<(User & { hospitalKey: string })[]> {
    const rows: (UserRow & { hospital_key: string })[] = await manager.query(
      `SELECT ${COLUMNS.replace(/(\w+)/g, 'u.$1')}, h.key AS hospital_key
       FROM user_provisioning.users u JOIN user_provisioning.hospitals h ON h.id = u.hospital_id
       WHERE u.email_lower = $1 AND u.password_hash IS NOT NULL${hospitalKey !== undefined ? ' AND h.key = $2' : ''}
       ORDER BY h.key LIMIT 20`,
      hospitalKey !== undefined ? [email.toLowerCase(), hospitalKey] : [email.toLowerCase()],
    );
    return rows.map((row) => Object.assign(toUser(row), { hospitalKey: row.hospital_key }));
  }
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    hospitalId: row.hospital_id,
    userName: row.user_name,
    email: row.email,
    emailLower: row.email_lower,
    firstName: row.first_name,
    lastName: row.last_name,
    roles: row.roles,
    directRoles: row.direct_roles,
    displayName: row.display_name,
    nameFormatted: row.name_formatted,
    emails: row.emails,
    addresses: row.addresses,
    hospitalUserId: row.hospital_user_id,
    physicianCode: row.physician_code,
    preferredLanguage: row.preferred_language,
    passwordHash: row.password_hash,
    active: row.active,
    sessionVersion: row.session_version,
    deletedAt: row.deleted_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function jsonOf(value: unknown[] | null | undefined): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
