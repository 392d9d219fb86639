import { SCIM_SCHEMAS } from '@bridge/contracts';
import {
  attribute,
  isPlainObject,
  parseAttributePath,
  parseBoolean,
  parseOptionalString,
  parseRoles,
  parseString,
  parseUserName,
  scimError,
  type AttributePath,
} from './scim-attributes';
import { EMPLOYEE_NUMBER_MAX, EXTERNAL_ID_MAX, NAME_MAX, type ScimUserState } from './scim-user.mapper';

type Op = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  op: Op;
  path?: string;
  value?: unknown;
}

/** Attributes of the core and enterprise User schemas the Care app does not keep: accepted, ignored. */
const IGNORED = new Set([
  'displayname',
  'nickname',
  'profileurl',
  'title',
  'usertype',
  'preferredlanguage',
  'locale',
  'timezone',
  'emails',
  'phonenumbers',
  'ims',
  'photos',
  'addresses',
  'groups',
  'entitlements',
  'x509certificates',
  'password',
  'id',
  'meta',
  'schemas',
]);

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
      ...(path !== undefined ? { path: path as string } : {}),
      value: attribute(operation, 'value'),
    };
  });
}

/** Applies the operations in order to a copy of the state; the caller validates and stores the result. */
export function applyPatch(current: ScimUserState, operations: PatchOperation[]): ScimUserState {
  const state: ScimUserState = { ...current, roles: [...current.roles] };
  for (const operation of operations) {
    if (operation.path !== undefined) {
      applyAttribute(state, operation.op, parseAttributePath(operation.path), operation.value);
      continue;
    }
    if (operation.op === 'remove') throw scimError('noTarget', 'remove needs a path.');
    // Without a path the value holds the attributes, keyed as paths (Entra: {"name.givenName": "x"}).
    if (!isPlainObject(operation.value))
      throw scimError('invalidSyntax', 'Without a path, value must be an object.');
    for (const [key, value] of Object.entries(operation.value)) {
      applyAttribute(state, operation.op, parseAttributePath(key), value);
    }
  }
  return state;
}

function applyAttribute(state: ScimUserState, op: Op, path: AttributePath, value: unknown): void {
  if (path.enterprise) return applyEnterprise(state, op, path, value);
  if (IGNORED.has(path.attribute)) return;
  switch (path.attribute) {
    case 'username':
      if (op === 'remove') throw scimError('invalidValue', 'userName is required and cannot be removed.');
      state.userName = parseUserName(value);
      return;
    case 'name':
      return applyName(state, op, path, value);
    case 'externalid':
      state.externalId = op === 'remove' ? null : parseOptionalString(value, 'externalId', EXTERNAL_ID_MAX);
      return;
    case 'active':
      if (op === 'remove') throw scimError('invalidValue', 'active cannot be removed; set it to false.');
      state.active = parseBoolean(value, 'active');
      return;
    case 'roles':
      return applyRoles(state, op, path, value);
    default:
      throw scimError('invalidPath', `The attribute "${path.attribute}" is not supported.`);
  }
}

function applyName(state: ScimUserState, op: Op, path: AttributePath, value: unknown): void {
  const set = (sub: string, part: unknown) => {
    const text = op === 'remove' || part === null ? '' : parseString(part, `name.${sub}`, NAME_MAX).trim();
    if (sub === 'givenname') state.givenName = text;
    if (sub === 'familyname') state.familyName = text;
    // formatted, middleName, honorific parts: derived or not kept.
  };
  if (path.sub) return set(path.sub, value);
  if (op === 'remove') {
    set('givenname', null);
    set('familyname', null);
    return;
  }
  if (!isPlainObject(value)) throw scimError('invalidValue', 'name must be an object.');
  for (const [key, part] of Object.entries(value)) set(key.toLowerCase(), part);
}

function applyRoles(state: ScimUserState, op: Op, path: AttributePath, value: unknown): void {
  if (op === 'remove') {
    const filtered = path.filter && /^\s*value\s+eq\s+"([^"]*)"\s*$/i.exec(path.filter);
    const removed = filtered
      ? [filtered[1].toLowerCase()]
      : value !== undefined
        ? parseRoles(value)
        : undefined;
    state.roles = removed ? state.roles.filter((role) => !removed.includes(role)) : [];
    return;
  }
  const roles = parseRoles(value);
  state.roles = op === 'add' ? [...new Set([...state.roles, ...roles])] : roles;
}

function applyEnterprise(state: ScimUserState, op: Op, path: AttributePath, value: unknown): void {
  if (path.attribute === 'enterprise') {
    // The whole extension: {"urn:...:enterprise:2.0:User": {"employeeNumber": "123", "department": "..."}}.
    if (op === 'remove') {
      state.employeeNumber = null;
      return;
    }
    if (!isPlainObject(value))
      throw scimError('invalidValue', `${SCIM_SCHEMAS.enterpriseUser} must be an object.`);
    for (const [key, part] of Object.entries(value)) {
      applyEnterprise(state, op, { attribute: key.toLowerCase(), enterprise: true }, part);
    }
    return;
  }
  if (path.attribute !== 'employeenumber') return; // department, manager, costCenter, ...: not kept
  state.employeeNumber =
    op === 'remove' ? null : parseOptionalString(value, 'employeeNumber', EMPLOYEE_NUMBER_MAX);
}
