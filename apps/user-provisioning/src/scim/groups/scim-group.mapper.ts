import { SCIM_GROUP_SCHEMA, type ScimGroupV1 } from '@bridge/contracts';
import { attribute, isPlainObject, parseOptionalString, parseString, scimError } from '../scim-attributes';
import type { GroupMember, ScimGroup } from './scim-groups.repository';

/** A Group as SCIM sees it (RFC 7643 §4.2): displayName, externalId and members (users only). */
export interface ScimGroupInput {
  displayName: string;
  externalId?: string | null;
  /** User ids; undefined when the body did not send `members`. */
  members?: string[];
}

const DISPLAY_NAME_MAX = 200;
const EXTERNAL_ID_MAX = 200;
const MAX_MEMBERS_PER_REQUEST = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseScimGroup(resource: Record<string, unknown>): ScimGroupInput {
  const displayName = attribute(resource, 'displayName');
  if (displayName === undefined || displayName === null)
    throw scimError('invalidValue', 'displayName is required.');
  const input: ScimGroupInput = { displayName: parseDisplayName(displayName) };
  const externalId = attribute(resource, 'externalId');
  if (externalId !== undefined)
    input.externalId = parseOptionalString(externalId, 'externalId', EXTERNAL_ID_MAX);
  const members = attribute(resource, 'members');
  if (members !== undefined) input.members = parseMembers(members);
  return input;
}

export function parseDisplayName(value: unknown): string {
  const name = parseString(value, 'displayName', DISPLAY_NAME_MAX).trim();
  if (name === '' || /[\u0000-\u001f\u007f]/.test(name))
    throw scimError('invalidValue', 'displayName must be a non-empty line of text.');
  return name;
}

/**
 * Members as `[{"value": "<user id>"}]` (`display`, `$ref` and `type` are read-only and ignored). A bare
 * string, a group id or anything that is not a user id is refused: the Care app has users as members only.
 */
export function parseMembers(value: unknown): string[] {
  if (value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  if (items.length > MAX_MEMBERS_PER_REQUEST)
    throw scimError('tooMany', `At most ${MAX_MEMBERS_PER_REQUEST} members per request.`);
  return [
    ...new Set(
      items.map((item) => {
        const id = isPlainObject(item) ? attribute(item, 'value') : undefined;
        if (typeof id !== 'string' || !UUID.test(id.trim()))
          throw scimError('invalidValue', 'members must be a list of {"value": "<user id>"}.');
        return id.trim().toLowerCase();
      }),
    ),
  ];
}

export function toScimGroup(
  group: ScimGroup,
  members: GroupMember[] | undefined,
  baseUrl: string,
): ScimGroupV1 {
  return {
    schemas: [SCIM_GROUP_SCHEMA],
    id: group.id,
    ...(group.externalId ? { externalId: group.externalId } : {}),
    displayName: group.displayName,
    ...(members
      ? {
          members: members.map((member) => ({
            value: member.userId,
            display: member.display,
            $ref: `${baseUrl}/Users/${member.userId}`,
            type: 'User' as const,
          })),
        }
      : {}),
    meta: {
      resourceType: 'Group',
      created: group.createdAt.toISOString(),
      lastModified: group.updatedAt.toISOString(),
      location: `${baseUrl}/Groups/${group.id}`,
    },
  };
}
