import { isEmail } from 'class-validator';
import type { UserEmail } from '../users/user.entity';
import { attribute, isPlainObject, parseBoolean, parseString, scimError } from './scim-attributes';

/** SCIM `emails` and `addresses` (RFC 7643 §4.1.2), kept as the IdP sends them, bounded. */

const MAX_EMAILS = 20;
const MAX_ADDRESSES = 10;
const VALUE_MAX = 320;
const ADDRESS_FIELDS = [
  'formatted',
  'streetAddress',
  'locality',
  'region',
  'postalCode',
  'country',
  'type',
] as const;

/** A list of `{value, type?, primary?, display?}` (attribute names in any case); null or [] clears it. */
export function parseEmails(value: unknown): UserEmail[] {
  if (value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  if (items.length > MAX_EMAILS) throw scimError('invalidValue', `At most ${MAX_EMAILS} emails.`);
  let primarySeen = false;
  return items.map((item) => {
    if (!isPlainObject(item)) throw scimError('invalidValue', 'emails must be a list of {"value": address}.');
    const email: UserEmail = {
      value: parseString(attribute(item, 'value'), 'emails.value', VALUE_MAX).trim(),
    };
    const type = attribute(item, 'type');
    if (type !== undefined && type !== null) email.type = parseString(type, 'emails.type', 50).trim();
    const display = attribute(item, 'display');
    if (display !== undefined && display !== null)
      email.display = parseString(display, 'emails.display', 200);
    const primary = attribute(item, 'primary');
    // RFC 7643 §2.4: at most one primary; a second one is read as not primary.
    if (
      primary !== undefined &&
      primary !== null &&
      parseBoolean(primary, 'emails.primary') &&
      !primarySeen
    ) {
      email.primary = true;
      primarySeen = true;
    } else if (primary !== undefined && primary !== null) {
      email.primary = false;
    }
    return email;
  });
}

/** Addresses with the sub-attributes of RFC 7643 §4.1.2 (others are dropped); null or [] clears them. */
export function parseAddresses(value: unknown): Record<string, unknown>[] {
  if (value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  if (items.length > MAX_ADDRESSES) throw scimError('invalidValue', `At most ${MAX_ADDRESSES} addresses.`);
  return items.map((item) => {
    if (!isPlainObject(item)) throw scimError('invalidValue', 'addresses must be a list of objects.');
    const address: Record<string, unknown> = {};
    for (const field of ADDRESS_FIELDS) {
      const part = attribute(item, field);
      if (part !== undefined && part !== null) address[field] = parseString(part, `addresses.${field}`, 500);
    }
    const primary = attribute(item, 'primary');
    if (primary !== undefined && primary !== null)
      address.primary = parseBoolean(primary, 'addresses.primary');
    return address;
  });
}

/**
 * The Care-app e-mail of a SCIM user: the primary address, else a work address, else the userName when it
 * is an e-mail, else any other address; values that are not e-mail addresses are skipped. `fallback` is the
 * user's current e-mail when the IdP manages no e-mail list for it (a user made by REST).
 */
export function careEmailOf(userName: string, emails: UserEmail[] | null, fallback?: string): string {
  const valid = (emails ?? []).filter((email) => isEmail(email.value));
  const found =
    valid.find((email) => email.primary === true)?.value ??
    valid.find((email) => email.type?.toLowerCase() === 'work')?.value ??
    (isEmail(userName) ? userName : undefined) ??
    valid[0]?.value ??
    (emails === null ? fallback : undefined);
  if (!found) {
    throw scimError(
      'invalidValue',
      'The user has no e-mail address: the Care app needs one in emails (primary or work), or a userName that is one.',
    );
  }
  return found;
}
