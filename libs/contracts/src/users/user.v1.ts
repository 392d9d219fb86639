import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { NoControlCharacters } from '../common/validation';

export const USER_ROLES = ['clinician', 'physician', 'hospital-admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Who made a provisioning call, for the audit log: the verified principal, never a body field. */
export class ActorV1 {
  @IsIn(['client', 'user']) kind: 'client' | 'user';
  @IsString() @Length(1, 200) subject: string;
}

/** Body of POST /v1/users: the user as the hospital knows it. */
/** A BCP 47 language tag as identity providers send it (nl, nl-BE, fr-BE, en-GB). */
export const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;

export class UserInputV1 {
  @ApiProperty() @IsEmail() @NoControlCharacters() @MaxLength(200) email: string;
  @ApiProperty() @IsString() @NoControlCharacters() @Length(1, 100) firstName: string;
  @ApiProperty() @IsString() @NoControlCharacters() @Length(1, 100) lastName: string;

  @ApiProperty({ enum: USER_ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles: UserRole[];

  @ApiPropertyOptional({
    description: "The user's id in the hospital's systems (EMR or IdP); the upsert key when given",
  })
  @IsOptional()
  @IsString()
  @NoControlCharacters()
  @Length(1, 200)
  hospitalUserId?: string;

  @ApiPropertyOptional({ description: "The id the hospital's messages use for this physician" })
  @IsOptional()
  @IsString()
  @NoControlCharacters()
  @Length(1, 100)
  physicianCode?: string;

  @ApiPropertyOptional({
    example: 'nl-BE',
    description: 'BCP 47 language tag; the Care app speaks nl, fr or en',
  })
  @IsOptional()
  @Matches(LANGUAGE_TAG, { message: 'preferredLanguage must be a language tag such as nl-BE' })
  preferredLanguage?: string;
}

/**
 * Body of PATCH /v1/users/{id}: only the fields sent change. `hospitalUserId` and `physicianCode` can be
 * cleared with null; the others cannot be null. `active: false` deactivates (and revokes sessions).
 */
export class UserPatchV1 {
  @ApiPropertyOptional()
  @ValidateIf((patch: UserPatchV1) => patch.email !== undefined)
  @IsEmail()
  @NoControlCharacters()
  @MaxLength(200)
  email?: string;

  @ApiPropertyOptional()
  @ValidateIf((patch: UserPatchV1) => patch.firstName !== undefined)
  @IsString()
  @NoControlCharacters()
  @Length(1, 100)
  firstName?: string;

  @ApiPropertyOptional()
  @ValidateIf((patch: UserPatchV1) => patch.lastName !== undefined)
  @IsString()
  @NoControlCharacters()
  @Length(1, 100)
  lastName?: string;

  @ApiPropertyOptional({ enum: USER_ROLES, isArray: true })
  @ValidateIf((patch: UserPatchV1) => patch.roles !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles?: UserRole[];

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((patch: UserPatchV1) => patch.hospitalUserId !== undefined && patch.hospitalUserId !== null)
  @IsString()
  @NoControlCharacters()
  @Length(1, 200)
  hospitalUserId?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((patch: UserPatchV1) => patch.physicianCode !== undefined && patch.physicianCode !== null)
  @IsString()
  @NoControlCharacters()
  @Length(1, 100)
  physicianCode?: string | null;

  @ApiPropertyOptional({ example: 'fr-BE', nullable: true })
  @ValidateIf(
    (patch: UserPatchV1) => patch.preferredLanguage !== undefined && patch.preferredLanguage !== null,
  )
  @Matches(LANGUAGE_TAG, { message: 'preferredLanguage must be a language tag such as nl-BE' })
  preferredLanguage?: string | null;

  @ApiPropertyOptional()
  @ValidateIf((patch: UserPatchV1) => patch.active !== undefined)
  @IsBoolean()
  active?: boolean;
}

export interface UserViewV1 {
  id: string;
  hospitalId: string;
  email: string;
  firstName: string;
  lastName: string;
  roles: UserRole[];
  hospitalUserId?: string;
  physicianCode?: string;
  preferredLanguage?: string;
  active: boolean;
  createdAt: string;
}

export const AUDIT_ACTIONS = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'login-token.issued',
  'session.started',
  'group.created',
  'group.updated',
  'group.deleted',
  'group-roles.replaced',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** How the call reached us: the REST API, SCIM, the platform-admin API, or a sign-in. */
export const AUDIT_CHANNELS = ['rest', 'scim', 'admin', 'login-token', 'password'] as const;
export type AuditChannel = (typeof AUDIT_CHANNELS)[number];

/** One audited provisioning call: who, what, when. Field names only, never values (no secrets, no PHI). */
export interface AuditEntryV1 {
  id: string;
  at: string;
  action: AuditAction;
  channel: AuditChannel;
  actor: { kind: 'client' | 'user'; subject: string };
  userId: string;
  /** The SCIM group a group change or a membership change concerns. */
  groupId?: string;
  fields: string[];
}
