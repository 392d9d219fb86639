import { SCIM_SCHEMAS, type ScimUserV1, type UserRole } from '@bridge/contracts';
import type { UserFields } from '../users/user-changes';
import type { User } from '../users/user.entity';
import {
  attribute,
  isPlainObject,
  parseBoolean,
  parseOptionalString,
  parseRoles,
  parseString,
  parseUserName,
  scimError,
} from './scim-attributes';

/**
 * How SCIM sees a user (RFC 7643 §4.1 and the enterprise extension):
 * - `userName` is the e-mail (the unique sign-in name); `emails` mirrors it as the primary work address
 * - `externalId` is `hospitalUserId` (the IdP's or EMR's id for the person)
 * - `name.givenName` / `name.familyName` are `firstName` / `lastName`
 * - enterprise `employeeNumber` is `physicianCode`: the number the hospital's messages name physicians by
 * - `roles[].value` are the Care app roles; `active` is `active`.
 */
export interface ScimUserState {
  userName: string;
  givenName: string;
  familyName: string;
  externalId: string | null;
  active: boolean;
  employeeNumber: string | null;
  roles: UserRole[];
}

/** A POST or PUT body: each attribute as sent, or undefined when the IdP did not send it. */
export type ScimUserInput = { userName: string } & Partial<Omit<ScimUserState, 'userName'>>;

export const NAME_MAX = 100;
export const EXTERNAL_ID_MAX = 200;
export const EMPLOYEE_NUMBER_MAX = 100;

export function toScimUser(user: User, baseUrl: string): ScimUserV1 {
  const formatted = `${user.firstName} ${user.lastName}`.trim();
  return {
    schemas: user.physicianCode ? [SCIM_SCHEMAS.user, SCIM_SCHEMAS.enterpriseUser] : [SCIM_SCHEMAS.user],
    id: user.id,
    ...(user.hospitalUserId ? { externalId: user.hospitalUserId } : {}),
    userName: user.email,
    name: { givenName: user.firstName, familyName: user.lastName, formatted },
    displayName: formatted,
    emails: [{ value: user.email, type: 'work', primary: true }],
    active: user.active,
    roles: user.roles.map((role) => ({ value: role })),
    ...(user.physicianCode ? { [SCIM_SCHEMAS.enterpriseUser]: { employeeNumber: user.physicianCode } } : {}),
    meta: {
      resourceType: 'User',
      created: user.createdAt.toISOString(),
      lastModified: user.updatedAt.toISOString(),
      location: `${baseUrl}/Users/${user.id}`,
    },
  };
}

export function stateOf(user: User): ScimUserState {
  return {
    userName: user.email,
    givenName: user.firstName,
    familyName: user.lastName,
    externalId: user.hospitalUserId,
    active: user.active,
    employeeNumber: user.physicianCode,
    roles: user.roles,
  };
}

/** The user attributes a SCIM state sets; attributes left undefined are not touched. */
export function fieldsOf(state: Partial<ScimUserState>): Partial<UserFields> {
  const fields: Partial<UserFields> = {};
  if (state.userName !== undefined) fields.email = state.userName;
  if (state.givenName !== undefined) fields.firstName = state.givenName;
  if (state.familyName !== undefined) fields.lastName = state.familyName;
  if (state.externalId !== undefined) fields.hospitalUserId = state.externalId;
  if (state.employeeNumber !== undefined) fields.physicianCode = state.employeeNumber;
  if (state.roles !== undefined) fields.roles = state.roles.length > 0 ? state.roles : ['clinician'];
  if (state.active !== undefined) fields.active = state.active;
  return fields;
}

/**
 * Reads a POST/PUT body. Attributes the Care app does not keep (phone numbers, addresses, title, ...) are
 * accepted and ignored, since IdPs send them by default; `id` and `meta` are read-only and ignored too.
 */
export function parseScimUser(resource: Record<string, unknown>): ScimUserInput {
  const schemas = attribute(resource, 'schemas');
  if (schemas !== undefined && !Array.isArray(schemas))
    throw scimError('invalidSyntax', 'schemas must be a list.');
  const userName = attribute(resource, 'userName');
  if (userName === undefined || userName === null) throw scimError('invalidValue', 'userName is required.');
  const input: ScimUserInput = { userName: parseUserName(userName) };

  const name = attribute(resource, 'name');
  if (name !== undefined && name !== null && !isPlainObject(name))
    throw scimError('invalidSyntax', 'name must be an object.');
  const displayName = attribute(resource, 'displayName');
  const fallback = typeof displayName === 'string' ? splitDisplayName(displayName) : undefined;
  const given = isPlainObject(name) ? attribute(name, 'givenName') : undefined;
  const family = isPlainObject(name) ? attribute(name, 'familyName') : undefined;
  if (given !== undefined && given !== null)
    input.givenName = parseString(given, 'name.givenName', NAME_MAX).trim();
  else if (fallback) input.givenName = fallback.given;
  if (family !== undefined && family !== null)
    input.familyName = parseString(family, 'name.familyName', NAME_MAX).trim();
  else if (fallback) input.familyName = fallback.family;

  const externalId = attribute(resource, 'externalId');
  if (externalId !== undefined)
    input.externalId = parseOptionalString(externalId, 'externalId', EXTERNAL_ID_MAX);
  const active = attribute(resource, 'active');
  if (active !== undefined && active !== null) input.active = parseBoolean(active, 'active');
  const roles = attribute(resource, 'roles');
  if (roles !== undefined && roles !== null) input.roles = parseRoles(roles);
  const employeeNumber = employeeNumberOf(resource);
  if (employeeNumber !== undefined) {
    input.employeeNumber = parseOptionalString(employeeNumber, 'employeeNumber', EMPLOYEE_NUMBER_MAX);
  }
  return input;
}

/** Nested under the extension's URN (the standard form), or flattened as `<urn>:employeeNumber`. */
function employeeNumberOf(resource: Record<string, unknown>): unknown {
  const extension = attribute(resource, SCIM_SCHEMAS.enterpriseUser);
  if (extension !== undefined && extension !== null) {
    if (!isPlainObject(extension))
      throw scimError('invalidSyntax', 'The enterprise extension must be an object.');
    const nested = attribute(extension, 'employeeNumber');
    if (nested !== undefined) return nested;
  }
  return attribute(resource, `${SCIM_SCHEMAS.enterpriseUser}:employeeNumber`);
}

function splitDisplayName(displayName: string): { given: string; family: string } | undefined {
  const words = displayName.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  const given = words.length > 1 ? words.slice(0, -1).join(' ') : '';
  return { given: given.slice(0, NAME_MAX), family: words[words.length - 1].slice(0, NAME_MAX) };
}
