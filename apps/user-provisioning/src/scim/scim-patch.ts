import { SCIM_SCHEMAS } from '@bridge/contracts';
import {
  parsePatchPath,
  type AttrPath,
  type PatchPath,
  type ResourceSchemas,
} from './filter/scim-filter-grammar';
import {
  checkElementFilter,
  elementMatches,
  pinnedValues,
  type ElementAttributes,
} from './filter/scim-value-filter';
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
import { parseAddresses, parseEmails } from './scim-user-profile';
import { EMPLOYEE_NUMBER_MAX, EXTERNAL_ID_MAX, NAME_MAX, type ScimUserState } from './scim-user.mapper';

type Op = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  op: Op;
  path?: string;
  value?: unknown;
}

/** Attributes of the core and enterprise User schemas the Care app does not keep: accepted, ignored. */
const IGNORED = new Set([
  'nickname',
  'profileurl',
  'title',
  'usertype',
  'locale',
  'timezone',
  'phonenumbers',
  'ims',
  'photos',
  'groups',
  'entitlements',
  'x509certificates',
  'password',
  'id',
  'meta',
  'schemas',
]);

const USER_SCHEMAS: ResourceSchemas = [SCIM_SCHEMAS.user, SCIM_SCHEMAS.enterpriseUser];

const EMAIL_ATTRIBUTES: ElementAttributes = {
  value: 'string',
  type: 'string',
  primary: 'boolean',
  display: 'string',
};
const ROLE_ATTRIBUTES: ElementAttributes = {
  value: 'string',
  type: 'string',
  primary: 'boolean',
  display: 'string',
};
const ADDRESS_ATTRIBUTES: ElementAttributes = {
  formatted: 'string',
  streetaddress: 'string',
  locality: 'string',
  region: 'string',
  postalcode: 'string',
  country: 'string',
  type: 'string',
  primary: 'boolean',
};

/** Reads a PatchOp body (RFC 7644 §3.5.2); `op` in any letter case (Entra sends `Replace`, `Add`). */
export function parsePatchRequest(body: Record<string, unknown>): PatchOperation[] {
  const operations = attribute(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw scimError('invalidSyntax', 'A PatchOp needs a non-empty "Operations" list.');
  }
  if (operations.length > 100) throw scimError('tooMany', 'At most 100 operations per request.');
  return operations.map((operation) => {
    if (!isPlainObject(operation)) throw scimError('invalidSyntax', 'Each operation must be an object.');
    const op = attribute(operation, 'op');
    const name = typeof op === 'string' ? op.toLowerCase() : '';
    if (name !== 'add' && name !== 'replace' && name !== 'remove') {
      throw scimError('invalidSyntax', 'op must be add, replace or remove.');
    }
    const path = attribute(operation, 'path');
    if (path !== undefined && (typeof path !== 'string' || path.trim() === '')) {
      throw scimError('invalidPath', 'path must be a non-empty string.');
    }
    return {
      op: name,
      ...(path !== undefined ? { path: path } : {}),
      value: attribute(operation, 'value'),
    };
  });
}

/** Applies the operations in order to a copy of the state; the caller validates and stores the result. */
export function applyPatch(current: ScimUserState, operations: PatchOperation[]): ScimUserState {
  const state: ScimUserState = { ...current, roles: [...current.roles] };
  for (const operation of operations) {
    if (operation.path !== undefined) {
      applyAttribute(state, operation.op, parsePatchPath(operation.path, USER_SCHEMAS), operation.value);
      continue;
    }
    if (operation.op === 'remove') throw scimError('noTarget', 'remove needs a path.');
    // Without a path the value holds the attributes, keyed as paths (Entra: {"name.givenName": "x"}).
    if (!isPlainObject(operation.value))
      throw scimError('invalidSyntax', 'Without a path, value must be an object.');
    for (const [key, value] of Object.entries(operation.value)) {
      applyAttribute(state, operation.op, parsePatchPath(key, USER_SCHEMAS), value);
    }
  }
  return state;
}

function applyAttribute(state: ScimUserState, op: Op, target: PatchPath, value: unknown): void {
  const { path } = target;
  if (path.schema === SCIM_SCHEMAS.enterpriseUser) return applyEnterprise(state, op, path.attribute, value);
  if (IGNORED.has(path.attribute)) return;
  const multiValued = ['emails', 'roles', 'addresses'].includes(path.attribute);
  if ((target.filter || target.sub) && !multiValued)
    throw scimError('invalidPath', `"${path.text}" is not multi-valued: it takes no value filter.`);
  switch (path.attribute) {
    case 'username':
      if (op === 'remove') throw scimError('invalidValue', 'userName is required and cannot be removed.');
      state.userName = parseUserName(value);
      return;
    case 'name':
      return applyName(state, op, path, value);
    case 'displayname':
      state.displayName = op === 'remove' ? null : parseOptionalString(value, 'displayName', NAME_MAX * 2);
      return;
    case 'externalid':
      state.externalId = op === 'remove' ? null : parseOptionalString(value, 'externalId', EXTERNAL_ID_MAX);
      return;
    case 'preferredlanguage':
      state.preferredLanguage = op === 'remove' ? null : parsePreferredLanguage(value);
      return;
    case 'active':
      if (op === 'remove') throw scimError('invalidValue', 'active cannot be removed; set it to false.');
      state.active = parseBoolean(value, 'active');
      return;
    case 'roles': {
      const roles = state.roles.map((role) => ({ value: role }));
      const next = patchList(roles, op, target, value, {
        owner: 'roles',
        attributes: ROLE_ATTRIBUTES,
        parse: (list) => parseRoles(list).map((role) => ({ value: role })),
        key: (role) => String(role.value).toLowerCase(),
      });
      state.roles = parseRoles(next);
      return;
    }
    case 'emails': {
      const emails = (state.emails ?? derivedEmails(state)) as unknown as Record<string, unknown>[];
      const next = patchList(emails, op, target, value, {
        owner: 'emails',
        attributes: EMAIL_ATTRIBUTES,
        parse: (list) => parseEmails(list) as unknown as Record<string, unknown>[],
        key: (email) => String(email.value).toLowerCase(),
      });
      state.emails = parseEmails(next);
      return;
    }
    case 'addresses': {
      const next = patchList(state.addresses ?? [], op, target, value, {
        owner: 'addresses',
        attributes: ADDRESS_ATTRIBUTES,
        parse: parseAddresses,
        key: (address) => JSON.stringify(address),
      });
      state.addresses = parseAddresses(next);
      return;
    }
    default:
      throw scimError('invalidPath', `The attribute "${path.text}" is not supported.`);
  }
}

/** A user whose e-mail list the IdP never set shows the Care-app e-mail: a PATCH starts from that. */
function derivedEmails(state: ScimUserState) {
  return state.email ? [{ value: state.email, type: 'work', primary: true }] : [];
}

interface ListRules {
  owner: string;
  attributes: ElementAttributes;
  /** Validates and normalizes elements as sent. */
  parse: (value: unknown) => Record<string, unknown>[];
  /** What makes two elements the same one (an add of an existing value replaces it). */
  key: (element: Record<string, unknown>) => string;
}

/**
 * add / replace / remove on a multi-valued attribute (RFC 7644 §3.5.2.1-3), with or without a value filter
 * and a sub-attribute: `roles`, `roles[value eq "x"]`, `emails[type eq "work"].value`.
 */
function patchList(
  current: Record<string, unknown>[],
  op: Op,
  target: PatchPath,
  value: unknown,
  rules: ListRules,
): Record<string, unknown>[] {
  const { filter, sub } = target;
  if (filter) checkElementFilter(filter, rules.attributes, rules.owner);
  if (sub !== undefined && !(sub in rules.attributes))
    throw scimError('invalidPath', `${rules.owner} has no sub-attribute "${sub}".`);
  const matches = (element: Record<string, unknown>) => !filter || elementMatches(filter, element);
  if (op === 'remove') {
    if (sub !== undefined)
      return current.map((element) => (matches(element) ? withoutKey(element, sub) : element));
    if (filter) return current.filter((element) => !matches(element));
    if (value === undefined || value === null) return [];
    // Entra ID: remove with a value lists the elements to take away.
    const removed = new Set(rules.parse(value).map(rules.key));
    return current.filter((element) => !removed.has(rules.key(element)));
  }
  if (sub !== undefined) {
    const hits = current.filter(matches);
    if (hits.length === 0) {
      // `replace emails[type eq "work"].value` when there is no work address yet: add one (Entra ID).
      const pinned = filter ? pinnedValues(filter) : {};
      if (!pinned) throw scimError('noTarget', `No element of ${rules.owner} matches the filter.`);
      return [...current, ...rules.parse([{ ...withoutKey(pinned, sub), [sub]: value }])];
    }
    return rules.parse(
      current.map((element) => (matches(element) ? { ...withoutKey(element, sub), [sub]: value } : element)),
    );
  }
  const sent = rules.parse(value);
  if (filter) {
    if (!current.some(matches))
      throw scimError('noTarget', `No element of ${rules.owner} matches the filter.`);
    if (!isPlainObject(value)) throw scimError('invalidValue', `${rules.owner}[…] takes one object.`);
    return rules.parse(current.map((element) => (matches(element) ? { ...element, ...value } : element)));
  }
  if (op === 'replace') return sent;
  const added = new Map(sent.map((element) => [rules.key(element), element]));
  return [...current.filter((element) => !added.has(rules.key(element))), ...added.values()];
}

function withoutKey(element: Record<string, unknown>, sub: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(element).filter(([key]) => key.toLowerCase() !== sub));
}

function applyName(state: ScimUserState, op: Op, path: AttrPath, value: unknown): void {
  const set = (sub: string, part: unknown) => {
    const clear = op === 'remove' || part === null;
    if (sub === 'formatted') {
      state.nameFormatted = clear ? null : parseOptionalString(part, 'name.formatted', NAME_MAX * 2);
      return;
    }
    const text = clear ? '' : parseString(part, `name.${sub}`, NAME_MAX).trim();
    if (sub === 'givenname') state.givenName = text;
    if (sub === 'familyname') state.familyName = text;
    // middleName and honorific parts: not kept.
  };
  if (path.sub) return set(path.sub, value);
  if (op === 'remove') {
    for (const sub of ['givenname', 'familyname', 'formatted']) set(sub, null);
    return;
  }
  if (!isPlainObject(value)) throw scimError('invalidValue', 'name must be an object.');
  for (const [key, part] of Object.entries(value)) set(key.toLowerCase(), part);
}

function applyEnterprise(state: ScimUserState, op: Op, attributeName: string, value: unknown): void {
  if (attributeName === '') {
    // The whole extension: {"urn:...:enterprise:2.0:User": {"employeeNumber": "123", "department": "..."}}.
    if (op === 'remove') {
      state.employeeNumber = null;
      return;
    }
    if (!isPlainObject(value))
      throw scimError('invalidValue', `${SCIM_SCHEMAS.enterpriseUser} must be an object.`);
    for (const [key, part] of Object.entries(value)) applyEnterprise(state, op, key.toLowerCase(), part);
    return;
  }
  if (attributeName !== 'employeenumber') return; // department, manager, costCenter, ...: not kept
  state.employeeNumber =
    op === 'remove' ? null : parseOptionalString(value, 'employeeNumber', EMPLOYEE_NUMBER_MAX);
}
