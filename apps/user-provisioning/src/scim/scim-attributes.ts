import { DomainError, LANGUAGE_TAG, USER_ROLES, type UserRole } from '@bridge/contracts';

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

/**
 * userName is any string unique in the hospital (RFC 7643 §4.1.1): a UPN, an employee id, a nickname, as
 * the IdP maps it. Control characters are refused: the name is shown and logged.
 */
export function parseUserName(value: unknown): string {
  const userName = parseString(value, 'userName', 200).trim();
  if (userName === '') throw scimError('invalidValue', 'userName must not be empty.');
  if (/[\u0000-\u001f\u007f]/.test(userName))
    throw scimError('invalidValue', 'userName must not contain control characters.');
  return userName;
}

/**
 * SCIM `preferredLanguage` (RFC 7643 §4.1.1) has the form of an Accept-Language header ("nl-BE" or
 * "da, en-gb;q=0.8"): the first range with the highest weight is kept, an underscore read as a hyphen
 * (some IdPs send locales); `*` and weight 0 are not languages. null or "" clears it.
 */
export function parsePreferredLanguage(value: unknown): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > 200)
    throw scimError('invalidValue', 'preferredLanguage must be a language tag such as nl-BE.');
  let best: { tag: string; weight: number } | undefined;
  for (const range of value.split(',')) {
    const [rawTag, ...parameters] = range.split(';').map((part) => part.trim());
    const tag = rawTag.replace(/_/g, '-');
    const q = parameters.find((parameter) => /^q=/i.test(parameter));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (!LANGUAGE_TAG.test(tag) || !(weight > 0)) continue;
    if (!best || weight > best.weight) best = { tag, weight };
  }
  if (!best) throw scimError('invalidValue', 'preferredLanguage must be a language tag such as nl-BE.');
  return best.tag;
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
