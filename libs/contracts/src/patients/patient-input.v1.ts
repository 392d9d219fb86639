import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CODE_PATTERN, DATE_PATTERN, NoControlCharacters } from '../common/validation';

/** The most identifiers a patient carries; importers keep the first ones rather than refuse the patient. */
export const MAX_PATIENT_IDENTIFIERS = 20;

export const SEXES = ['male', 'female', 'other', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

export class AddressV1 {
  @ApiPropertyOptional() @IsOptional() @IsString() @NoControlCharacters() @MaxLength(200) street?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @NoControlCharacters() @MaxLength(100) city?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @NoControlCharacters() @MaxLength(20) zip?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @NoControlCharacters() @MaxLength(100) state?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @NoControlCharacters() @MaxLength(100) country?: string;
}

export class IdentifierV1 {
  @ApiProperty() @IsString() @NoControlCharacters() @Length(1, 200) system: string;
  @ApiProperty() @IsString() @NoControlCharacters() @Length(1, 200) value: string;
}

export class CareFlowStartInputV1 {
  @ApiProperty({ example: 'knee-replacement' })
  @IsString()
  @NoControlCharacters()
  @Length(1, 100)
  definitionKey: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') physicianId?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @NoControlCharacters()
  @Length(1, 100)
  physicianCode?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  @NoControlCharacters()
  baseline?: Record<string, string>;
}

/** Body of POST /v1/patients: the patient as the hospital knows it. */
export class PatientInputV1 {
  @ApiProperty({ example: '000123456' })
  @IsString()
  @NoControlCharacters()
  @Length(1, 100)
  @Matches(CODE_PATTERN, { message: 'patientCode must not start or end with spaces' })
  patientCode: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @NoControlCharacters()
  @Length(1, 100)
  visitNumber?: string;
  @ApiProperty() @IsString() @NoControlCharacters() @Length(1, 100) firstName: string;
  @ApiProperty() @IsString() @NoControlCharacters() @Length(1, 100) lastName: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @NoControlCharacters() @MaxLength(100) middleName?: string;

  @ApiPropertyOptional({
    example: '1985-07-14',
    description: 'YYYY-MM-DD, or YYYY-MM / YYYY when less is known',
  })
  @IsOptional()
  @Matches(DATE_PATTERN, { message: 'birthDate must be YYYY-MM-DD, YYYY-MM or YYYY' })
  birthDate?: string;

  @ApiPropertyOptional({ enum: SEXES }) @IsOptional() @IsIn(SEXES) sex?: Sex;
  @ApiPropertyOptional() @IsOptional() @IsEmail() @NoControlCharacters() @MaxLength(200) email?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @NoControlCharacters() @MaxLength(50) phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @NoControlCharacters() @MaxLength(50) mobilePhone?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @NoControlCharacters()
  @MaxLength(50)
  nationalRegistryNumber?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @NoControlCharacters()
  @MaxLength(20)
  preferredLanguage?: string;

  @ApiPropertyOptional({ type: AddressV1 })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressV1)
  address?: AddressV1;

  @ApiPropertyOptional({ type: [IdentifierV1] })
  @IsOptional()
  @ArrayMaxSize(MAX_PATIENT_IDENTIFIERS)
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => IdentifierV1)
  identifiers?: IdentifierV1[];

  @ApiPropertyOptional({ type: CareFlowStartInputV1 })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CareFlowStartInputV1)
  careFlow?: CareFlowStartInputV1;
}

export class PatientSearchV1 {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @NoControlCharacters()
  @Length(1, 100)
  patientCode?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @NoControlCharacters()
  @Length(1, 50)
  nationalRegistryNumber?: string;
  @ApiPropertyOptional({ type: IdentifierV1 })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => IdentifierV1)
  identifier?: IdentifierV1;
}
