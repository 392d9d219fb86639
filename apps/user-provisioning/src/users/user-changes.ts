import type { AuditAction, UserRole } from '@bridge/contracts';
import { scopesShrink } from '../sessions/session-scopes';
import type { User } from './user.entity';
import type { UserUpdate } from './users.repository';

/** The attributes every provisioning route (REST, login token, SCIM) can set on a user. */
export interface UserFields {
  email: string;
  firstName: string;
  lastName: string;
  roles: UserRole[];
  hospitalUserId: string | null;
  physicianCode: string | null;
  active: boolean;
}

export interface PlannedChange {
  update: UserUpdate;
  /** Names of the attributes that change, for the audit log. */
  fields: string[];
  /** undefined: nothing changes. */
  action?: Extract<AuditAction, 'user.updated' | 'user.deactivated' | 'user.reactivated'>;
}

const FIELD_NAMES: (keyof UserFields)[] = [
  'email',
  'firstName',
  'lastName',
  'roles',
  'hospitalUserId',
  'physicianCode',
  'active',
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

export function planChange(
  current: User,
  wanted: Partial<UserFields>,
  options: ChangeOptions = {},
): PlannedChange {
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
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
  return a === b;
}
