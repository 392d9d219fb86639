import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsDryRun } from '../common/config-write';
import { LOOKUP_KEYS, type DemographicsV1, type LookupKey } from '../imports/demographics.v1';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';

export const QUERY_STYLES = ['QRY_A19', 'QBP_Q22'] as const;
export const CHARSETS = ['utf-8', 'latin1'] as const;

/** HL7-RULES rule 10 b: PID-3 identifier types (CX.5) that name the patient, in precedence order. */
export const DEFAULT_PATIENT_ID_TYPES: readonly string[] = Object.freeze(['MR', 'MRN', 'PI', 'PT']);
/** A short identifier type code (HL7 table 0203: `MR`, `PI`, `NNBEL`, or a local one). */
const PATIENT_ID_TYPE_PATTERN = /^[A-Za-z0-9_-]{1,10}$/;

/**
 * `patientIdTypes` of the HL7 and SIU connections: optional, else a non-empty list of distinct short
 * type codes. Applied decorator by decorator because contracts carry no Nest code (no applyDecorators).
 */
export function IsPatientIdTypes(): PropertyDecorator {
  const decorators: PropertyDecorator[] = [
    ApiPropertyOptional({
      type: [String],
      default: DEFAULT_PATIENT_ID_TYPES,
      description:
        'PID-3 identifier types (CX.5) that name the patient, in precedence order (HL7-RULES rule 10 b)',
    }),
    IsOptional(),
    IsArray(),
    ArrayNotEmpty(),
    ArrayMaxSize(20),
    ArrayUnique(),
    Matches(PATIENT_ID_TYPE_PATTERN, {
      each: true,
      message:
        'patientIdTypes must hold identifier type codes of 1 to 10 letters, digits, - or _ (e.g. MR, PI)',
    }),
  ];
  return (target, property) => {
    for (const decorate of decorators) decorate(target, property);
  };
}

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
  /**
   * Keep the connection open this long after a reply, for the next query (no connect or TLS handshake
   * per query); absent: one connection per query. Below any firewall's idle timeout on the way.
   */
  @ApiPropertyOptional({
    minimum: 1000,
    maximum: 300000,
    description:
      'Keep the connection open this long (ms) after a reply, for the next query; absent: a new connection per query',
  })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(300_000)
  keepOpenMs?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) patientIdAuthority?: string;
  @IsPatientIdTypes() patientIdTypes?: string[];
  /** Per-hospital query template details beyond the fields above (libs/hl7 Hl7QueryTemplate fields). */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  template?: Record<string, unknown>;
  /**
   * The QRY^A19 or QBP^Q22 the hospital already receives (PRODUCT.md "Template from the hospital's own
   * example"): every query is sent with its layout. Read at save time; a bad example is a 400.
   */
  @ApiPropertyOptional({ description: "The hospital's own example query (raw HL7, any line breaks)" })
  @IsOptional()
  @IsString()
  @Length(1, 20_000)
  exampleQuery?: string;
}

export class PutHl7ConnectionRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => Hl7ConnectionInputV1) connection: Hl7ConnectionInputV1;
  /** Check everything the PUT checks, store nothing (configuration documents, dry run and apply). */
  @IsDryRun() dryRun?: boolean;
}

export class GetHl7ConnectionRequestV1 extends HospitalScopedV1 {}

/** What the platform derived from `exampleQuery`, as GET shows it. */
export interface Hl7DerivedTemplateViewV1 {
  queryStyle: (typeof QUERY_STYLES)[number];
  /** MSH-9 and MSH-12 of the example. */
  messageType: string;
  version: string;
  charset?: (typeof CHARSETS)[number];
  /** The lookup the example itself shows. */
  exampleBy: LookupKey;
  /** Where the identifier goes, e.g. `QRD-8.1`. */
  idPath: string;
  authority?: string;
  /** The segments every query is sent with, `{controlId}`, `{timestamp}` (MSH-7), `{queryTimestamp}` (QRD-1), `{queryId}`, `{value}` replaced. */
  layout: { patientCode: string[]; visitNumber: string[] };
  /** Human sentences on what was derived. */
  notes: string[];
}

/** The stored connection; `patientIdTypes` shows the default when the hospital set none. */
export type Hl7ConnectionViewV1 = Hl7ConnectionInputV1 & {
  hospitalId: string;
  patientIdTypes: string[];
  updatedAt: string;
  /** Present when the connection has an `exampleQuery`. */
  derivedTemplate?: Hl7DerivedTemplateViewV1;
};

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
