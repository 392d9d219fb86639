import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { SCOPES, type Scope } from '../auth/scopes';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';

/** Where the platform's first hospitals are, and the zone of every hospital made before zones were kept. */
export const DEFAULT_HOSPITAL_TIMEZONE = 'Europe/Brussels';

export class HospitalInputV1 {
  @ApiProperty({ example: 'az-sint-jan' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'key must be 2-63 lower-case letters, digits and dashes' })
  key: string;

  @ApiProperty() @IsString() @Length(1, 200) name: string;

  @ApiPropertyOptional({ example: DEFAULT_HOSPITAL_TIMEZONE, default: DEFAULT_HOSPITAL_TIMEZONE })
  @IsOptional()
  @IsTimeZone({ message: 'timezone must be an IANA time zone such as Europe/Brussels' })
  timezone?: string;
}

/** What changes on a hospital; its key never does (tokens, documents and links name it). */
export class HospitalPatchV1 {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) name?: string;

  @ApiPropertyOptional({ example: DEFAULT_HOSPITAL_TIMEZONE })
  @IsOptional()
  @IsTimeZone({ message: 'timezone must be an IANA time zone such as Europe/Brussels' })
  timezone?: string;
}

export class UpdateHospitalRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => HospitalPatchV1) patch: HospitalPatchV1;
}

export class CreateHospitalRequestV1 {
  @IsObject() @ValidateNested() @Type(() => HospitalInputV1) hospital: HospitalInputV1;
}

export class ListHospitalsRequestV1 {}

export class GetHospitalRequestV1 {
  @IsUUID('all') hospitalId: string;
}

export class HospitalViewV1 {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: DEFAULT_HOSPITAL_TIMEZONE, description: 'IANA time zone' }) timezone: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** Hospital API clients never get `admin`: that scope belongs to platform-admin credentials. */
export const HOSPITAL_CLIENT_SCOPES = SCOPES.filter((scope) => scope !== 'admin');

export class ApiClientInputV1 {
  @ApiProperty() @IsString() @Length(1, 200) name: string;

  @ApiProperty({ enum: HOSPITAL_CLIENT_SCOPES, isArray: true })
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(HOSPITAL_CLIENT_SCOPES, { each: true })
  scopes: Scope[];
}

/** A client's name and scopes change; new scopes apply to the tokens it gets from now on. */
export class ApiClientPatchV1 {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) name?: string;

  @ApiPropertyOptional({ enum: HOSPITAL_CLIENT_SCOPES, isArray: true })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(HOSPITAL_CLIENT_SCOPES, { each: true })
  scopes?: Scope[];
}

/** `clientId` names the client by its `clientId` (`cb_...`) or its `id`, as ApiClientRefV1 does. */
export class UpdateApiClientRequestV1 extends HospitalScopedV1 {
  @IsString() @Length(1, 200) clientId: string;
  @IsObject() @ValidateNested() @Type(() => ApiClientPatchV1) patch: ApiClientPatchV1;
}

export class CreateApiClientRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => ApiClientInputV1) client: ApiClientInputV1;
}

export interface ApiClientCreatedV1 {
  id: string;
  hospitalId: string;
  name: string;
  clientId: string;
  /** Shown once: only its hash is stored. */
  clientSecret: string;
  scopes: Scope[];
  createdAt: string;
}
