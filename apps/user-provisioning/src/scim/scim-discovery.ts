import { SCIM_SCHEMAS, type ScimDocumentV1, type ScimDiscoveryRequestV1 } from '@bridge/contracts';
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
      return pick(request.id, [userResourceType(base)], (type) => type.id);
    case 'Schemas':
      return pick(request.id, [userSchema(base), enterpriseSchema(base)], (schema) => schema.id);
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

interface AttributeDefinition {
  name: string;
  type: 'string' | 'boolean' | 'complex';
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  mutability?: 'readOnly' | 'readWrite';
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
        description: "The user's e-mail address",
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
          { name: 'formatted', type: 'string', mutability: 'readOnly', description: 'First and last name' },
        ],
      },
      { name: 'displayName', type: 'string', mutability: 'readOnly', description: 'First and last name' },
      {
        name: 'emails',
        type: 'complex',
        multiValued: true,
        mutability: 'readOnly',
        description: 'The userName, as the primary work e-mail',
        subAttributes: [
          { name: 'value', type: 'string', description: 'E-mail address' },
          { name: 'type', type: 'string', description: 'Always work' },
          { name: 'primary', type: 'boolean', description: 'Always true' },
        ],
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
        description: 'clinician, physician or hospital-admin (other values are ignored; default clinician)',
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
