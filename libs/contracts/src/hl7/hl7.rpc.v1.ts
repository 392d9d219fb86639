import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { LOOKUP_KEYS, type DemographicsV1, type LookupKey } from '../imports/demographics.v1';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';

export const QUERY_STYLES = ['QRY_A19', 'QBP_Q22'] as const;
export const CHARSETS = ['utf-8', 'latin1'] as const;

/** Body of PUT /v1/admin/hospitals/{id}/connections/hl7 (PRODUCT.md). */
export class Hl7ConnectionInputV1 {
  @ApiProperty() @IsString() @Length(1, 253) host: string;
  @ApiProperty() @IsInt() @Min(1) @Max(65535) port: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() tls?: boolean;
  @ApiProperty({ enum: QUERY_STYLES }) @IsIn(QUERY_STYLES) queryStyle: (typeof QUERY_STYLES)[number];
  @ApiPropertyOptional({ example: '2.5' }) @IsOptional() @IsString() @Length(1, 10) version?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) sendingApplication?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) sendingFacility?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) receivingApplication?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) receivingFacility?: string;
  @ApiPropertyOptional({ enum: CHARSETS }) @IsOptional() @IsIn(CHARSETS) charset?: (typeof CHARSETS)[number];
  @ApiPropertyOptional({ minimum: 100, maximum: 25000 })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(25_000)
  timeoutMs?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) patientIdAuthority?: string;
  /** Per-hospital query template details beyond the fields above (libs/hl7 Hl7QueryTemplate fields). */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  template?: Record<string, unknown>;
}

export class PutHl7ConnectionRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => Hl7ConnectionInputV1) connection: Hl7ConnectionInputV1;
}

export class GetHl7ConnectionRequestV1 extends HospitalScopedV1 {}

export type Hl7ConnectionViewV1 = Hl7ConnectionInputV1 & { hospitalId: string; updatedAt: string };

/**
 * Ask the hospital over MLLP. Found -> candidates; otherwise a DomainError:
 * PATIENT_NOT_FOUND_AT_HOSPITAL, HOSPITAL_ERROR (details.hospitalText), HOSPITAL_TIMEOUT,
 * IMPORT_SOURCE_NOT_CONFIGURED (no HL7 connection). Every exchange is journaled.
 */
export class QueryDemographicsRequestV1 extends HospitalScopedV1 {
  @IsIn(LOOKUP_KEYS) by: LookupKey;
  @IsString() @Length(1, 100) value: string;
}

export interface QueryDemographicsResultV1 {
  candidates: DemographicsV1[];
  /** The journal entry of the exchange (message log id). */
  messageId: string;
}
