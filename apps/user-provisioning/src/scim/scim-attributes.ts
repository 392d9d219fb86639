import { DomainError, SCIM_SCHEMAS, USER_ROLES, type UserRole } from '@bridge/contracts';
import { isEmail } from 'class-validator';

/** RFC 7644 §3.12 error types this implementation answers with (carried in DomainError details). */
export type ScimType =
  'invalidFilter' | 'invalidSyntax' | 'invalidPath' | 'invalidValue' | 'noTarget' | 'uniqueness' | 'tooMany';

export function scimError(scimType: ScimType, message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', message, { scimType });
}

export function scimNotFound(): DomainError {
  return new DomainError('USER_NOT_FOUND', 'No such user.');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** SCIM attribute names are case-insensitive (RFC 7643 §2.1): `userName`, `USERNAME` and `username` are one. */
export function attribute(object: Record<string, unknown>, name: string): unknown {
  const wanted = name.toLowerCase();
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : object[key];
}

/** Entra ID sends booleans as the strings "True" / "False"; both spellings mean the same. */
export function parseBoolean(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
    return value.trim().toLowerCase() === 'true';
  throw scimError('invalidValue', `${name} must be a boolean.`);
}

/**
 * A single string value. Numbers are taken as their text (an employee number may arrive as one) and a
 * one-element multi-valued form `[{"value": "x"}]`, which some IdPs send in PATCH, as its value.
 */
export function parseString(value: unknown, name: string, maxLength: number): string {
  const single = Array.isArray(value) && value.length === 1 ? unwrapValue(value[0]) : value;
  const text = typeof single === 'number' && Number.isFinite(single) ? String(single) : single;
  if (typeof text !== 'string') throw scimError('invalidValue', `${name} must be a string.`);
  if (text.length > maxLength)
    throw scimError('invalidValue', `${name} must be at most ${maxLength} characters.`);
  return text;
}

/** An optional string: null or "" clears it. */
export function parseOptionalString(value: unknown, name: string, maxLength: number): string | null {
  if (value === null) return null;
  const text = parseString(value, name, maxLength).trim();
  return text === '' ? null : text;
}

/** userName is the user's e-mail address: it is how the Care app, the EMR and the IdP name the same person. */
export function parseUserName(value: unknown): string {
  const userName = parseString(value, 'userName', 200).trim();
  if (!isEmail(userName))
    throw scimError('invalidValue', 'userName must be an e-mail address (e.g. the UPN).');
  return userName;
}

/** Roles the Care app knows (`clinician`, `physician`, `hospital-admin`); other IdP role values are ignored. */
export function parseRoles(value: unknown): UserRole[] {
  const items = Array.isArray(value) ? value : [value];
  const roles = new Set<UserRole>();
  for (const item of items) {
    const text = unwrapValue(item);
    if (typeof text !== 'string') throw scimError('invalidValue', 'roles must be a list of {"value": role}.');
    const role = text.trim().toLowerCase();
    if ((USER_ROLES as readonly string[]).includes(role)) roles.add(role as UserRole);
  }
  return [...roles];
}

function unwrapValue(item: unknown): unknown {
  return isPlainObject(item) ? attribute(item, 'value') : item;
}

const CORE_PREFIX = `${SCIM_SCHEMAS.user.toLowerCase()}:`;
const ENTERPRISE_PREFIX = `${SCIM_SCHEMAS.enterpriseUser.toLowerCase()}:`;

export interface AttributePath {
  /** Lower-cased attribute name, e.g. `name`, `active`, `employeenumber`; `enterprise` is the extension itself. */
  attribute: string;
  enterprise: boolean;
  /** Lower-cased sub-attribute, e.g. `givenname` in `name.givenName`. */
  sub?: string;
  /** The value filter of `emails[type eq "work"].value`, as written. */
  filter?: string;
}

/** Reads an attribute path (RFC 7644 §3.5.2), with or without its schema URN prefix. */
export function parseAttributePath(path: string): AttributePath {
  let rest = path.trim();
  const lower = rest.toLowerCase();
  let enterprise = false;
  if (lower === SCIM_SCHEMAS.enterpriseUser.toLowerCase())
    return { attribute: 'enterprise', enterprise: true };
  if (lower.startsWith(ENTERPRISE_PREFIX)) {
    enterprise = true;
    rest = rest.slice(ENTERPRISE_PREFIX.length);
  } else if (lower.startsWith(CORE_PREFIX)) {
    rest = rest.slice(CORE_PREFIX.length);
  } else if (lower.startsWith('urn:')) {
    throw scimError('invalidPath', `The schema of "${path}" is not supported.`);
  }
  const match = /^([A-Za-z][\w$-]*)(?:\[(.+)\])?(?:\.([A-Za-z][\w$-]*))?$/.exec(rest);
  if (!match) throw scimError('invalidPath', `"${path}" is not an attribute path.`);
  return {
    attribute: match[1].toLowerCase(),
    enterprise,
    ...(match[3] ? { sub: match[3].toLowerCase() } : {}),
    ...(match[2] ? { filter: match[2] } : {}),
  };
}
