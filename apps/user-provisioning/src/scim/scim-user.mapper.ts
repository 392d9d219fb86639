import { SCIM_SCHEMAS, type ScimUserV1, type UserRole } from '@bridge/contracts';
import type { UserFields } from '../users/user-changes';
import type { User, UserEmail } from '../users/user.entity';
import { careEmailOf, parseAddresses, parseEmails } from './scim-user-profile';
import {
  attribute,
  isPlainObject,
  parseBoolean,
  parseOptionalString,
  parsePreferredLanguage,
  parseRoles,
  parseString,
  parseUserName,
  scimError,
} from './scim-attributes';

/**
 * How SCIM sees a user (RFC 7643 §4.1 and the enterprise extension):
 * - `userName` is any unique string (UPN, employee id, ...); the Care-app e-mail comes from `emails`
 *   (primary, else work, else the userName when it is one: scim-user-profile.ts)
 * - `emails`, `addresses`, `displayName` and `name.formatted` are kept as sent
 * - `externalId` is `hospitalUserId` (the IdP's or EMR's id for the person)
 * - `name.givenName` / `name.familyName` are `firstName` / `lastName`
 * - enterprise `employeeNumber` is `physicianCode`: the number the hospital's messages name physicians by
 * - `preferredLanguage` is the language the Care app speaks to the user (the first, most wanted one)
 * - `roles[].value` are the Care-app roles set on the user itself (its groups may add more); `active`.
 */
export interface ScimUserState {
  userName: string;
  givenName: string;
  familyName: string;
  nameFormatted: string | null;
  displayName: string | null;
  /** null: the IdP keeps no list; the Care-app e-mail is shown as the primary work address. */
  emails: UserEmail[] | null;
  addresses: Record<string, unknown>[] | null;
  externalId: string | null;
  active: boolean;
  employeeNumber: string | null;
  preferredLanguage: string | null;
  roles: UserRole[];
  /** The Care-app e-mail as stored (the last fallback when `emails` is null). */
  email?: string;
}

/** A POST or PUT body: each attribute as sent, or undefined when the IdP did not send it. */
export type ScimUserInput = { userName: string } & Partial<Omit<ScimUserState, 'userName' | 'email'>>;

export const NAME_MAX = 100;
export const EXTERNAL_ID_MAX = 200;
export const EMPLOYEE_NUMBER_MAX = 100;
const DISPLAY_MAX = 200;

export function toScimUser(user: User, baseUrl: string): ScimUserV1 {
  const fullName = `${user.firstName} ${user.lastName}`.trim();
  return {
    schemas: user.physicianCode ? [SCIM_SCHEMAS.user, SCIM_SCHEMAS.enterpriseUser] : [SCIM_SCHEMAS.user],
    id: user.id,
    ...(user.hospitalUserId ? { externalId: user.hospitalUserId } : {}),
    userName: user.userName,
    name: { givenName: user.firstName, familyName: user.lastName, formatted: user.nameFormatted ?? fullName },
    displayName: user.displayName ?? fullName,
    emails: user.emails ?? [{ value: user.email, type: 'work', primary: true }],
    ...(user.addresses && user.addresses.length > 0 ? { addresses: user.addresses } : {}),
    ...(user.preferredLanguage ? { preferredLanguage: user.preferredLanguage } : {}),
    active: user.active,
    roles: user.directRoles.map((role) => ({ value: role })),
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
    userName: user.userName,
    givenName: user.firstName,
    familyName: user.lastName,
    nameFormatted: user.nameFormatted,
    displayName: user.displayName,
    emails: user.emails,
    addresses: user.addresses,
    externalId: user.hospitalUserId,
    active: user.active,
    employeeNumber: user.physicianCode,
    preferredLanguage: user.preferredLanguage,
    roles: user.directRoles,
    email: user.email,
  };
}

/**
 * The user attributes a whole SCIM state sets, the Care-app e-mail derived (400 when it has none).
 * An empty roles list is the default role, as before groups existed.
 */
export function fieldsOf(state: ScimUserState): Partial<UserFields> {
  return {
    userName: state.userName,
    email: careEmailOf(state.userName, state.emails, state.email),
    firstName: state.givenName,
    lastName: state.familyName,
    nameFormatted: state.nameFormatted,
    displayName: state.displayName,
    emails: state.emails === null || state.emails.length === 0 ? null : state.emails,
    addresses: state.addresses === null || state.addresses.length === 0 ? null : state.addresses,
    hospitalUserId: state.externalId,
    physicianCode: state.employeeNumber,
    preferredLanguage: state.preferredLanguage,
    roles: state.roles.length > 0 ? state.roles : ['clinician'],
    active: state.active,
  };
}

/** A new user's state: what the POST sent, the rest empty. */
export function newState(input: ScimUserInput): ScimUserState {
  return {
    givenName: '',
    familyName: '',
    nameFormatted: null,
    displayName: null,
    emails: null,
    addresses: null,
    externalId: null,
    active: true,
    employeeNumber: null,
    preferredLanguage: null,
    roles: [],
    ...input,
  };
}

/** PUT: what it sent replaces, what it left out stays (see ScimService.replace). */
export function replacedState(current: ScimUserState, input: ScimUserInput): ScimUserState {
  return { ...current, ...input };
}

/**
 * Reads a POST/PUT body. Attributes the Care app does not keep (phone numbers, title, ...) are
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

  const formatted = isPlainObject(name) ? attribute(name, 'formatted') : undefined;
  if (formatted !== undefined)
    input.nameFormatted = parseOptionalString(formatted, 'name.formatted', DISPLAY_MAX);
  if (displayName !== undefined)
    input.displayName = parseOptionalString(displayName, 'displayName', DISPLAY_MAX);
  const emails = attribute(resource, 'emails');
  if (emails !== undefined) input.emails = parseEmails(emails);
  const addresses = attribute(resource, 'addresses');
  if (addresses !== undefined) input.addresses = parseAddresses(addresses);

  const externalId = attribute(resource, 'externalId');
  if (externalId !== undefined)
    input.externalId = parseOptionalString(externalId, 'externalId', EXTERNAL_ID_MAX);
  const active = attribute(resource, 'active');
  if (active !== undefined && active !== null) input.active = parseBoolean(active, 'active');
  const preferredLanguage = attribute(resource, 'preferredLanguage');
  if (preferredLanguage !== undefined) input.preferredLanguage = parsePreferredLanguage(preferredLanguage);
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
