import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsEmail,
  IsIn,
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

export const USER_ROLES = ['clinician', 'physician', 'hospital-admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export class AdminUserInputV1 {
  @ApiProperty() @IsEmail() @MaxLength(200) email: string;
  @ApiProperty() @IsString() @Length(1, 100) firstName: string;
  @ApiProperty() @IsString() @Length(1, 100) lastName: string;

  @ApiProperty({ enum: USER_ROLES, isArray: true })
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles: UserRole[];

  @ApiPropertyOptional({ minLength: 12 }) @IsOptional() @IsString() @Length(12, 200) password?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) physicianCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) hospitalUserId?: string;
}

export class CreateUserRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => AdminUserInputV1) user: AdminUserInputV1;
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

export interface UserViewV1 {
  id: string;
  hospitalId: string;
  email: string;
  firstName: string;
  lastName: string;
  roles: UserRole[];
  hospitalUserId?: string;
  physicianCode?: string;
  active: boolean;
  createdAt: string;
}
