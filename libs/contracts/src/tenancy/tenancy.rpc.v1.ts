import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsIn,
  IsObject,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { SCOPES, type Scope } from '../auth/scopes';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';

export class HospitalInputV1 {
  @ApiProperty({ example: 'az-sint-jan' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'key must be 2-63 lower-case letters, digits and dashes' })
  key: string;

  @ApiProperty() @IsString() @Length(1, 200) name: string;
}

export class CreateHospitalRequestV1 {
  @IsObject() @ValidateNested() @Type(() => HospitalInputV1) hospital: HospitalInputV1;
}

export class ListHospitalsRequestV1 {}

export class GetHospitalRequestV1 {
  @IsUUID('all') hospitalId: string;
}

export interface HospitalViewV1 {
  id: string;
  key: string;
  name: string;
  createdAt: string;
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
