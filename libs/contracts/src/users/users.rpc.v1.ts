import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';
import { ActorV1, UserInputV1, UserPatchV1, type UserViewV1 } from './user.v1';

export * from './user.v1';
export * from './sessions.rpc.v1';
export * from './scim.rpc.v1';

/** Body of POST /v1/admin/hospitals/{id}/users: a provisioned user, optionally with a password. */
export class AdminUserInputV1 extends UserInputV1 {
  @ApiPropertyOptional({ minLength: 12 }) @IsOptional() @IsString() @Length(12, 200) password?: string;
}

export class CreateUserRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => AdminUserInputV1) user: AdminUserInputV1;
  /** Who asked, for the audit log; absent from callers that predate it (recorded as the platform admin). */
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ActorV1) actor?: ActorV1;
}

export class ListPhysiciansRequestV1 extends HospitalScopedV1 {}

/** Resolves the physician of a care flow: by id, or by the code the hospital's messages use. */
export class ResolvePhysicianRequestV1 extends HospitalScopedV1 {
  @ValidateIf((request: ResolvePhysicianRequestV1) => !request.physicianCode)
  @IsUUID('all')
  physicianId?: string;

  @ValidateIf((request: ResolvePhysicianRequestV1) => !request.physicianId)
  @IsString()
  @Length(1, 100)
  physicianCode?: string;
}

/** POST /v1/users: create, or find the existing user by hospitalUserId, else e-mail. */
export class ProvisionUserRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => ActorV1) actor: ActorV1;
  @IsObject() @ValidateNested() @Type(() => UserInputV1) user: UserInputV1;
}

export interface ProvisionedUserV1 {
  created: boolean;
  user: UserViewV1;
}

export class FindUsersRequestV1 extends HospitalScopedV1 {
  @IsOptional() @IsString() @MaxLength(200) email?: string;
}

export class GetUserRequestV1 extends HospitalScopedV1 {
  @IsUUID('all') userId: string;
}

export class UpdateUserRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => ActorV1) actor: ActorV1;
  @IsUUID('all') userId: string;
  @IsObject() @ValidateNested() @Type(() => UserPatchV1) patch: UserPatchV1;
}

/** DELETE /v1/users/{id}: the user is kept (care flows may name it), inactive, its sessions revoked. */
export class DeactivateUserRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => ActorV1) actor: ActorV1;
  @IsUUID('all') userId: string;
}

export class ListUserAuditRequestV1 extends HospitalScopedV1 {
  @IsUUID('all') userId: string;
}
