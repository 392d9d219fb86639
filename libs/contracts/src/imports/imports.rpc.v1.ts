import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AuditActorV1 } from '../audit/audit.rpc.v1';
import { IsDryRun, IsKeepSecrets } from '../common/config-write';
import { NoControlCharacters } from '../common/validation';
import { CareFlowStartInputV1 } from '../patients/patient-input.v1';
import type { PatientViewV1 } from '../patients/patient.view.v1';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';
import type { CandidateV1 } from './demographics.v1';

export const WEB_SERVICE_FLAVORS = ['pdq', 'fhir', 'custom'] as const;
export const WEB_SERVICE_AUTH_TYPES = ['none', 'basic', 'bearer', 'header'] as const;
export const IMPORT_SOURCES = ['webservice', 'hl7'] as const;

export class WebServiceAuthV1 {
  @ApiProperty({ enum: WEB_SERVICE_AUTH_TYPES })
  @IsIn(WEB_SERVICE_AUTH_TYPES)
  type: (typeof WEB_SERVICE_AUTH_TYPES)[number];
  @ApiPropertyOptional()
  @ValidateIf((auth: WebServiceAuthV1) => auth.type === 'basic')
  @IsString()
  @Length(1, 200)
  username?: string;
  @ApiPropertyOptional()
  @ValidateIf((auth: WebServiceAuthV1) => auth.type === 'basic')
  @IsString()
  @Length(1, 500)
  password?: string;
  @ApiPropertyOptional()
  @ValidateIf((auth: WebServiceAuthV1) => auth.type === 'bearer')
  @IsString()
  @Length(1, 4000)
  token?: string;
  @ApiPropertyOptional()
  @ValidateIf((auth: WebServiceAuthV1) => auth.type === 'header')
  @IsString()
  @Length(1, 100)
  header?: string;
  @ApiPropertyOptional()
  @ValidateIf((auth: WebServiceAuthV1) => auth.type === 'header')
  @IsString()
  @Length(1, 4000)
  value?: string;
}

export class IdentifierSystemsV1 {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) patientCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) visitNumber?: string;
}

export class CustomWebServiceV1 {
  @ApiProperty({ example: 'https://emr.example/patients?{key}={value}' })
  @IsString()
  @Length(1, 2000)
  urlTemplate: string;
  @ApiPropertyOptional({ enum: ['GET', 'POST'] }) @IsOptional() @IsIn(['GET', 'POST']) method?:
    'GET' | 'POST';
  @ApiProperty({ example: 'data.patients' }) @IsString() @Length(0, 200) resultsPath: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) @IsObject() fields: Record<
    string,
    string
  >;
}

/** Body of PUT /v1/admin/hospitals/{id}/connections/webservice (PRODUCT.md). */
export class WebServiceConnectionInputV1 {
  @ApiProperty({ enum: WEB_SERVICE_FLAVORS })
  @IsIn(WEB_SERVICE_FLAVORS)
  flavor: (typeof WEB_SERVICE_FLAVORS)[number];
  @ApiProperty()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl: string;
  @ApiPropertyOptional({ type: WebServiceAuthV1 })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebServiceAuthV1)
  auth?: WebServiceAuthV1;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) destination?: string;
  @ApiPropertyOptional({ minimum: 100, maximum: 25000 })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(25_000)
  timeoutMs?: number;
  @ApiPropertyOptional({ type: IdentifierSystemsV1 })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => IdentifierSystemsV1)
  identifierSystems?: IdentifierSystemsV1;
  @ApiPropertyOptional({ type: CustomWebServiceV1 })
  @ValidateIf((connection: WebServiceConnectionInputV1) => connection.flavor === 'custom')
  @IsObject()
  @ValidateNested()
  @Type(() => CustomWebServiceV1)
  custom?: CustomWebServiceV1;
}

export class PutWebServiceConnectionRequestV1 extends HospitalScopedV1 {
  @IsObject()
  @ValidateNested()
  @Type(() => WebServiceConnectionInputV1)
  connection: WebServiceConnectionInputV1;
  /** Check everything the PUT checks, store nothing. */
  @IsDryRun() dryRun?: boolean;
  /** `auth.password`, `auth.token` or `auth.value`: keep the stored secret (see KEPT_SECRET_PLACEHOLDER). */
  @IsKeepSecrets() keepSecrets?: string[];
}

export class GetWebServiceConnectionRequestV1 extends HospitalScopedV1 {}

/** The stored connection as GETs show it: secrets are never returned, only whether they are set. */
export interface WebServiceConnectionViewV1 extends Omit<WebServiceConnectionInputV1, 'auth'> {
  hospitalId: string;
  auth: {
    type: (typeof WEB_SERVICE_AUTH_TYPES)[number];
    username?: string;
    header?: string;
    secretSet: boolean;
  };
  updatedAt: string;
}

export class ImportSourceInputV1 {
  @ApiProperty({ enum: IMPORT_SOURCES }) @IsIn(IMPORT_SOURCES) source: (typeof IMPORT_SOURCES)[number];
}

export class PutImportSourceRequestV1 extends HospitalScopedV1 {
  @IsIn(IMPORT_SOURCES) source: (typeof IMPORT_SOURCES)[number];
}

export class GetImportSourceRequestV1 extends HospitalScopedV1 {}

export interface ImportSourceViewV1 {
  hospitalId: string;
  /** null: the hospital has not chosen one yet. */
  source: (typeof IMPORT_SOURCES)[number] | null;
}

/** Body of POST /v1/imports: exactly one of patientCode / visitNumber. */
export class ImportLookupInputV1 {
  @ApiPropertyOptional()
  @ValidateIf((input: ImportLookupInputV1) => !input.visitNumber)
  @IsString()
  @NoControlCharacters()
  @Length(1, 100)
  patientCode?: string;
  @ApiPropertyOptional()
  @ValidateIf((input: ImportLookupInputV1) => !input.patientCode)
  @IsString()
  @NoControlCharacters()
  @Length(1, 100)
  visitNumber?: string;
}

export class LookupImportRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => ImportLookupInputV1) lookup: ImportLookupInputV1;
  /** Who asked (client or user id), kept with the import session. */
  @IsString() @Length(1, 200) requestedBy: string;
  /**
   * The client or user the candidates go to (set by the gateway): patient-import puts the lookup on the
   * audit trail (`imports.lookup.answered.v1`). Absent for the platform's own lookups (siu-ingestor), which
   * show the candidates to no one.
   */
  @IsOptional() @ValidateNested() @Type(() => AuditActorV1) auditActor?: AuditActorV1;
}

export interface ImportSessionV1 {
  importId: string;
  source: (typeof IMPORT_SOURCES)[number];
  candidates: CandidateV1[];
  expiresAt: string;
}

/** Body of POST /v1/imports/{id}/confirm. */
export class ImportConfirmInputV1 {
  @ApiPropertyOptional({ description: 'Index in candidates; default 0' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(999)
  candidate?: number;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') physicianId: string;
  @ApiPropertyOptional({ type: CareFlowStartInputV1 })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CareFlowStartInputV1)
  careFlow?: CareFlowStartInputV1;
}

export class ConfirmImportRequestV1 extends HospitalScopedV1 {
  @IsUUID('all') importId: string;
  @IsObject() @ValidateNested() @Type(() => ImportConfirmInputV1) confirm: ImportConfirmInputV1;
}

export interface ConfirmImportResultV1 {
  created: boolean;
  patient: PatientViewV1;
}
