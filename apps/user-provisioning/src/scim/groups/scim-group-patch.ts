import { SCIM_GROUP_SCHEMA } from '@bridge/contracts';
import { parsePatchPath, type PatchPath } from '../filter/scim-filter-grammar';
import { checkElementFilter, elementMatches } from '../filter/scim-value-filter';
import { isPlainObject, parseOptionalString, scimError } from '../scim-attributes';
import type { PatchOperation } from '../scim-patch';
import { parseDisplayName, parseMembers } from './scim-group.mapper';

export interface ScimGroupState {
  displayName: string;
  externalId: string | null;
  /** Member user ids. */
  members: string[];
}

/**
 * Group PATCH as Entra ID and Okta send it (RFC 7644 §3.5.2):
 * - members: `add` `{path: "members", value: [{value}]}`; `remove` with `members[value eq "id"]` (Okta),
 *   or `{path: "members", value: [{value}]}` (Entra ID), or `members` alone (all); `replace` the list
 * - rename: `replace` `displayName`, or no path and `{displayName}` (Okta adds the group's `id`, ignored)
 */
export function applyGroupPatch(current: ScimGroupState, operations: PatchOperation[]): ScimGroupState {
  const state: ScimGroupState = { ...current, members: [...current.members] };
  for (const operation of operations) {
    if (operation.path !== undefined) {
      apply(state, operation.op, parsePatchPath(operation.path, [SCIM_GROUP_SCHEMA]), operation.value);
      continue;
    }
    if (operation.op === 'remove') throw scimError('noTarget', 'remove needs a path.');
    if (!isPlainObject(operation.value))
      throw scimError('invalidSyntax', 'Without a path, value must be an object.');
    for (const [key, value] of Object.entries(operation.value))
      apply(state, operation.op, parsePatchPath(key, [SCIM_GROUP_SCHEMA]), value);
  }
  return state;
}

function apply(state: ScimGroupState, op: PatchOperation['op'], target: PatchPath, value: unknown): void {
  const { path, filter, sub } = target;
  if (path.attribute !== 'members' && (filter || sub))
    throw scimError('invalidPath', `"${path.text}" is not multi-valued: it takes no value filter.`);
  switch (path.attribute) {
    case 'displayname':
      if (op === 'remove') throw scimError('invalidValue', 'displayName is required and cannot be removed.');
      state.displayName = parseDisplayName(value);
      return;
    case 'externalid':
      state.externalId = op === 'remove' ? null : parseOptionalString(value, 'externalId', 200);
      return;
    case 'id':
    case 'meta':
    case 'schemas':
      return; // read-only: Okta sends the group's id beside a new displayName
    case 'members':
      if (sub !== undefined || path.sub)
        throw scimError('invalidPath', 'members sub-attributes are read-only.');
      return patchMembers(state, op, filter, value);
    default:
      throw scimError('invalidPath', `The attribute "${path.text}" is not supported.`);
  }
}

function patchMembers(
  state: ScimGroupState,
  op: PatchOperation['op'],
  filter: PatchPath['filter'],
  value: unknown,
): void {
  if (filter) {
    checkElementFilter(filter, { value: 'string', display: 'string', type: 'string' }, 'members');
    if (op !== 'remove') throw scimError('invalidPath', 'Only remove takes a members[…] filter.');
    state.members = state.members.filter((id) => !elementMatches(filter, { value: id, type: 'User' }));
    return;
  }
  if (op === 'remove') {
    if (value === undefined || value === null) {
      state.members = [];
      return;
    }
    const removed = new Set(parseMembers(value));
    state.members = state.members.filter((id) => !removed.has(id));
    return;
  }
  const sent = parseMembers(value);
  state.members = op === 'replace' ? sent : [...new Set([...state.members, ...sent])];
}
