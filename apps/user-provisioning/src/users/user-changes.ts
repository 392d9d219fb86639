import type { AuditAction, UserRole } from '@bridge/contracts';
import { scopesShrink } from '../sessions/session-scopes';
import type { User, UserEmail } from './user.entity';
import type { UserUpdate } from './users.repository';

/**
 * The attributes every provisioning route (REST, login token, SCIM) can set on a user. `roles` are the
 * roles set on the user itself; the writer adds those of its SCIM groups. The optional ones are SCIM's:
 * `userName` defaults to the e-mail, the profile attributes to null (derived when shown).
 */
export interface UserFields {
  email: string;
  firstName: string;
  lastName: string;
  roles: UserRole[];
  hospitalUserId: string | null;
  physicianCode: string | null;
  active: boolean;
  preferredLanguage?: string | null;
  userName?: string;
  displayName?: string | null;
  nameFormatted?: string | null;
  emails?: UserEmail[] | null;
  addresses?: Record<string, unknown>[] | null;
}

/** What planChange compares: the fields, with `roles` the effective roles and `directRoles` beside them. */
export type WantedUser = Partial<UserFields> & { directRoles?: UserRole[] };

/** A user's roles: its own and its groups', or `clinician` when that leaves none. */
export function effectiveRoles(direct: UserRole[], fromGroups: UserRole[]): UserRole[] {
  const roles = [...new Set([...direct, ...fromGroups])].sort();
  return roles.length > 0 ? roles : ['clinician'];
}

export interface PlannedChange {
  update: UserUpdate;
  /** Names of the attributes that change, for the audit log. */
  fields: string[];
  /** undefined: nothing changes. */
  action?: Extract<AuditAction, 'user.updated' | 'user.deactivated' | 'user.reactivated'>;
}

const FIELD_NAMES: (keyof WantedUser)[] = [
  'userName',
  'email',
  'firstName',
  'lastName',
  'roles',
  'hospitalUserId',
  'physicianCode',
  'preferredLanguage',
  'active',
  'directRoles',
  'displayName',
  'nameFormatted',
  'emails',
  'addresses',
];

/**
 * Works out what applying `wanted` (only the attributes given) to `current` changes. Deactivation, and
 * a role change that takes a scope away, revoke the user's sessions and outstanding login tokens;
 * reactivation also undoes a deletion.
 */
export interface ChangeOptions {
  /** DELETE: deactivate and hide from SCIM (the row stays). */
  delete?: boolean;
  /** SCIM re-creating a deleted user: the same row comes back, whatever its `active`. */
  restore?: boolean;
}

export function planChange(current: User, wanted: WantedUser, options: ChangeOptions = {}): PlannedChange {
  const update: UserUpdate = {};
  const fields: string[] = [];
  for (const name of FIELD_NAMES) {
    const value = wanted[name];
    if (value === undefined || sameValue(current[name], value)) continue;
    (update as Record<string, unknown>)[name] = value;
    fields.push(name);
  }
  const deactivating = current.active && wanted.active === false;
  const reactivating =
    wanted.active === true && (!current.active || current.deletedAt !== null) && !options.delete;
  if ((reactivating || options.restore) && current.deletedAt !== null) {
    update.deletedAt = null;
    fields.push('restored');
  }
  if (options.delete && current.deletedAt === null) {
    update.deletedAt = new Date();
    fields.push('deleted');
  }
  if (deactivating || (wanted.roles && scopesShrink(current.roles, wanted.roles)))
    update.revokeSessions = true;
  const action =
    deactivating || options.delete ? 'user.deactivated' : reactivating ? 'user.reactivated' : 'user.updated';
  return fields.length === 0 ? { update: {}, fields } : { update, fields, action };
}

function sameValue(a: unknown, b: unknown): boolean {
  const strings = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string');
  if (strings(a) && strings(b)) {
    const [x, y] = [a, b];
    return x.length === y.length && [...x].sort().join('\n') === [...y].sort().join('\n');
  }
  // Lists of objects (e-mails, addresses): order and content both count.
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null)
    return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}
