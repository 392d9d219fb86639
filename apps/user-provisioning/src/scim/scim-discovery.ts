import {
  SCIM_GROUP_SCHEMA,
  SCIM_SCHEMAS,
  type ScimDocumentV1,
  type ScimDiscoveryRequestV1,
} from '@bridge/contracts';
import { scimError, scimNotFound } from './scim-attributes';

/** The most users one list page returns (advertised as filter.maxResults). */
export const SCIM_MAX_RESULTS = 200;

/** What this SCIM service supports (RFC 7643 §5-7), so an IdP can discover it instead of guessing. */
export function scimDiscovery(request: ScimDiscoveryRequestV1): ScimDocumentV1 {
  const base = request.baseUrl;
  switch (request.document) {
    case 'ServiceProviderConfig':
      if (request.id) throw scimNotFound();
      return serviceProviderConfig(base);
    case 'ResourceTypes':
      return pick(request.id, [userResourceType(base), groupResourceType(base)], (type) => type.id);
    case 'Schemas':
      return pick(
        request.id,
        [userSchema(base), enterpriseSchema(base), groupSchema(base)],
        (schema) => schema.id,
      );
    default:
      throw scimError('invalidValue', 'Unknown discovery document.');
  }
}

function pick<T extends { id: string }>(
  id: string | undefined,
  items: T[],
  idOf: (item: T) => string,
): ScimDocumentV1 {
  if (id === undefined) {
    return {
      schemas: [SCIM_SCHEMAS.listResponse],
      totalResults: items.length,
      startIndex: 1,
      itemsPerPage: items.length,
      Resources: items,
    };
  }
  const found = items.find((item) => idOf(item) === id);
  if (!found) throw scimNotFound();
  return found;
}

function serviceProviderConfig(base: string): ScimDocumentV1 {
  return {
    schemas: [SCIM_SCHEMAS.serviceProviderConfig],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: SCIM_MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'An access token of a hospital API client with the scope `scim` (POST /v1/oauth/token).',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

function userResourceType(base: string) {
  return {
    schemas: [SCIM_SCHEMAS.resourceType],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'A clinical user of the Care app',
    schema: SCIM_SCHEMAS.user,
    schemaExtensions: [{ schema: SCIM_SCHEMAS.enterpriseUser, required: false }],
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
  };
}

function groupResourceType(base: string) {
  return {
    schemas: [SCIM_SCHEMAS.resourceType],
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'A group of users; the hospital maps groups to Care-app roles',
    schema: SCIM_GROUP_SCHEMA,
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` },
  };
}

function groupSchema(base: string) {
  return {
    schemas: [SCIM_SCHEMAS.schema],
    id: SCIM_GROUP_SCHEMA,
    name: 'Group',
    description:
      'Group: its members get the Care-app roles the hospital maps to it (by displayName or externalId).',
    attributes: [
      {
        name: 'displayName',
        type: 'string',
        required: true,
        uniqueness: 'server',
        description: 'The group name (unique in the hospital)',
      },
      {
        name: 'externalId',
        type: 'string',
        caseExact: true,
        uniqueness: 'server',
        description: "The IdP's id",
      },
      {
        name: 'members',
        type: 'complex',
        multiValued: true,
        description: 'Users of the hospital',
        subAttributes: [
          { name: 'value', type: 'string', mutability: 'immutable', description: 'The user id' },
          { name: 'display', type: 'string', mutability: 'readOnly', description: "The user's name" },
          { name: '$ref', type: 'reference', mutability: 'readOnly', description: 'The user URI' },
          { name: 'type', type: 'string', mutability: 'readOnly', description: 'Always User' },
        ],
      },
    ].map((definition) => attributeOf(definition as AttributeDefinition)),
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${SCIM_GROUP_SCHEMA}` },
  };
}

interface AttributeDefinition {
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'reference';
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  mutability?: 'readOnly' | 'readWrite' | 'immutable';
  uniqueness?: 'none' | 'server';
  description: string;
  subAttributes?: AttributeDefinition[];
}

function attributeOf(definition: AttributeDefinition): Record<string, unknown> {
  return {
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...definition,
    ...(definition.subAttributes ? { subAttributes: definition.subAttributes.map(attributeOf) } : {}),
  };
}

function userSchema(base: string) {
  return {
    schemas: [SCIM_SCHEMAS.schema],
    id: SCIM_SCHEMAS.user,
    name: 'User',
    description: 'Care app user. Attributes of the core schema not listed here are accepted and ignored.',
    attributes: [
      {
        name: 'userName',
        type: 'string',
        required: true,
        uniqueness: 'server',
        description: 'Any name unique in the hospital (UPN, employee id, ...); the e-mail comes from emails',
      },
      {
        name: 'externalId',
        type: 'string',
        caseExact: true,
        uniqueness: 'server',
        description: "The hospital's id for the user",
      },
      {
        name: 'name',
        type: 'complex',
        description: "The user's name",
        subAttributes: [
          { name: 'givenName', type: 'string', description: 'First name' },
          { name: 'familyName', type: 'string', description: 'Last name' },
          { name: 'formatted', type: 'string', description: 'The full name (default: first and last name)' },
        ],
      },
      { name: 'displayName', type: 'string', description: 'The name shown (default: first and last name)' },
      {
        name: 'preferredLanguage',
        type: 'string',
        description:
          'The language the Care app speaks to the user (nl, fr or en; the first of a list is kept)',
      },
      {
        name: 'emails',
        type: 'complex',
        multiValued: true,
        description:
          'E-mail addresses; the Care app uses the primary one, else a work one, else the userName when it is one',
        subAttributes: [
          { name: 'value', type: 'string', description: 'E-mail address' },
          { name: 'type', type: 'string', description: 'work, home, other' },
          { name: 'primary', type: 'boolean', description: 'The preferred address' },
          { name: 'display', type: 'string', description: 'A label' },
        ],
      },
      {
        name: 'addresses',
        type: 'complex',
        multiValued: true,
        description: 'Postal addresses (kept, not used by the Care app)',
        subAttributes: [
          'formatted',
          'streetAddress',
          'locality',
          'region',
          'postalCode',
          'country',
          'type',
        ].map((name) => ({ name, type: 'string', description: name })),
      },
      {
        name: 'active',
        type: 'boolean',
        description: 'false: the user cannot sign in; its sessions are revoked',
      },
      {
        name: 'roles',
        type: 'complex',
        multiValued: true,
        description:
          'clinician, physician or hospital-admin set on the user (other values are ignored; default clinician); its groups may add roles',
        subAttributes: [{ name: 'value', type: 'string', description: 'The role' }],
      },
    ].map((definition) => attributeOf(definition as AttributeDefinition)),
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${SCIM_SCHEMAS.user}` },
  };
}

function enterpriseSchema(base: string) {
  return {
    schemas: [SCIM_SCHEMAS.schema],
    id: SCIM_SCHEMAS.enterpriseUser,
    name: 'EnterpriseUser',
    description: 'Enterprise User extension: only employeeNumber is kept.',
    attributes: [
      attributeOf({
        name: 'employeeNumber',
        type: 'string',
        caseExact: true,
        uniqueness: 'server',
        description: "The physician code: the id the hospital's messages use for this physician",
      }),
    ],
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${SCIM_SCHEMAS.enterpriseUser}` },
  };
}
