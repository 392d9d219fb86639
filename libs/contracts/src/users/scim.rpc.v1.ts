import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';
import { ActorV1, USER_ROLES, type UserRole } from './user.v1';

export const SCIM_SCHEMAS = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

/**
 * SCIM requests travel as the IdP sent them (SCIM attribute names are case-insensitive and IdPs send
 * attributes we do not keep), and user-provisioning reads them by RFC 7643/7644. `baseUrl` is the SCIM
 * root as the caller reached it (e.g. https://bridge.example/scim/v2), for `meta.location`.
 */
export class ScimRequestV1 extends HospitalScopedV1 {
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(500)
  baseUrl: string;
}

/** Query parameters as received (strings): their SCIM meaning (1-based, clamped) is applied by the service. */
export class ScimListUsersRequestV1 extends ScimRequestV1 {
  @IsOptional() @IsString() @MaxLength(2000) filter?: string;
  @IsOptional() @IsString() @MaxLength(20) startIndex?: string;
  @IsOptional() @IsString() @MaxLength(20) count?: string;
}

export class ScimGetUserRequestV1 extends ScimRequestV1 {
  @IsUUID('all') userId: string;
}

export class ScimCreateUserRequestV1 extends ScimRequestV1 {
  @IsObject() @ValidateNested() @Type(() => ActorV1) actor: ActorV1;
  @IsObject() resource: Record<string, unknown>;
}

export class ScimReplaceUserRequestV1 extends ScimCreateUserRequestV1 {
  @IsUUID('all') userId: string;
}

export class ScimPatchUserRequestV1 extends ScimRequestV1 {
  @IsObject() @ValidateNested() @Type(() => ActorV1) actor: ActorV1;
  @IsUUID('all') userId: string;
  @IsObject() patch: Record<string, unknown>;
}

export class ScimDeleteUserRequestV1 extends ScimRequestV1 {
  @IsObject() @ValidateNested() @Type(() => ActorV1) actor: ActorV1;
  @IsUUID('all') userId: string;
}

export const SCIM_DISCOVERY_DOCUMENTS = ['ServiceProviderConfig', 'ResourceTypes', 'Schemas'] as const;

/** The discovery endpoints; with `id`, one resource type or schema instead of the list. */
export class ScimDiscoveryRequestV1 {
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(500)
  baseUrl: string;
  @IsIn(SCIM_DISCOVERY_DOCUMENTS) document: (typeof SCIM_DISCOVERY_DOCUMENTS)[number];
  @IsOptional() @IsString() @Length(1, 200) id?: string;
}

export interface ScimMetaV1 {
  resourceType: string;
  created?: string;
  lastModified?: string;
  location: string;
}

export interface ScimUserV1 {
  schemas: string[];
  id: string;
  externalId?: string;
  userName: string;
  name: { givenName: string; familyName: string; formatted: string };
  displayName: string;
  emails: { value: string; type?: string; primary?: boolean; display?: string }[];
  addresses?: Record<string, unknown>[];
  preferredLanguage?: string;
  active: boolean;
  roles: { value: string }[];
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'?: { employeeNumber?: string };
  meta: ScimMetaV1;
}

export interface ScimListResponseV1<T> {
  schemas: [typeof SCIM_SCHEMAS.listResponse];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

/** A discovery document (ServiceProviderConfig, a ResourceType or Schema, or a ListResponse of them). */
export type ScimDocumentV1 = Record<string, unknown>;

export const SCIM_GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

export class ScimListGroupsRequestV1 extends ScimRequestV1 {
  @IsOptional() @IsString() @MaxLength(2000) filter?: string;
  @IsOptional() @IsString() @MaxLength(20) startIndex?: string;
  @IsOptional() @IsString() @MaxLength(20) count?: string;
  /** `members` leaves the (possibly long) member lists out, as Entra ID asks when it checks a group. */
  @IsOptional() @IsString() @MaxLength(500) excludedAttributes?: string;
}

export class ScimGetGroupRequestV1 extends ScimRequestV1 {
  @IsUUID('all') groupId: string;
  @IsOptional() @IsString() @MaxLength(500) excludedAttributes?: string;
}

export class ScimCreateGroupRequestV1 extends ScimRequestV1 {
  @IsObject() @ValidateNested() @Type(() => ActorV1) actor: ActorV1;
  @IsObject() resource: Record<string, unknown>;
}

export class ScimReplaceGroupRequestV1 extends ScimCreateGroupRequestV1 {
  @IsUUID('all') groupId: string;
}

export class ScimPatchGroupRequestV1 extends ScimRequestV1 {
  @IsObject() @ValidateNested() @Type(() => ActorV1) actor: ActorV1;
  @IsUUID('all') groupId: string;
  @IsObject() patch: Record<string, unknown>;
}

export class ScimDeleteGroupRequestV1 extends ScimRequestV1 {
  @IsObject() @ValidateNested() @Type(() => ActorV1) actor: ActorV1;
  @IsUUID('all') groupId: string;
}

export interface ScimGroupV1 {
  schemas: [typeof SCIM_GROUP_SCHEMA];
  id: string;
  externalId?: string;
  displayName: string;
  members?: { value: string; display: string; $ref: string; type: 'User' }[];
  meta: ScimMetaV1;
}

/** One IdP group (by displayName or externalId) and the Care-app role its members get. */
export class ScimGroupRoleMappingV1 {
  @ApiProperty({ description: 'The group’s displayName or externalId' })
  @IsString()
  @Length(1, 200)
  group: string;
  @ApiProperty({ enum: USER_ROLES }) @IsIn(USER_ROLES) role: UserRole;
}

/** Body of PUT /v1/admin/hospitals/{hospitalId}/scim-group-roles: the whole mapping, replaced. */
export class ScimGroupRolesInputV1 {
  @ApiProperty({ type: [ScimGroupRoleMappingV1] })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ScimGroupRoleMappingV1)
  mappings: ScimGroupRoleMappingV1[];
}

export class ReplaceScimGroupRolesRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => ActorV1) actor: ActorV1;
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ScimGroupRoleMappingV1)
  mappings: ScimGroupRoleMappingV1[];
}

export class GetScimGroupRolesRequestV1 extends HospitalScopedV1 {}

export interface ScimGroupRolesV1 {
  mappings: { group: string; role: UserRole }[];
  /** Users whose roles changed because of the new mapping. */
  usersUpdated: number;
}
