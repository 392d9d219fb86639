import { Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateNested,
  IsInt,
  Max,
  Min,
} from 'class-validator';
import { CareFlowStartInputV1, PatientInputV1, PatientSearchV1 } from './patient-input.v1';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { KeysetPositionV1, PAGE_CURSOR_MAX_LENGTH } from '../common/keyset';
import { type CareFlowViewV1, PatientViewV1 } from './patient.view.v1';

/** Every request to a tenant-owned resource names its hospital: there is no query path without it. */
export class HospitalScopedV1 {
  @IsUUID('all') hospitalId: string;
}

export const PATIENT_SOURCES = ['api', 'import', 'siu'] as const;

export class UpsertPatientRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => PatientInputV1) patient: PatientInputV1;
  @IsOptional() @IsIn(PATIENT_SOURCES) source?: (typeof PATIENT_SOURCES)[number];
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
}
export interface UpsertPatientResultV1 {
  created: boolean;
  patient: PatientViewV1;
}

export class SearchPatientsRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => PatientSearchV1) criteria: PatientSearchV1;
}
export class SearchPatientsResultV1 {
  @ApiProperty() total: number;
  @ApiProperty({ type: [PatientViewV1] }) patients: PatientViewV1[];
}

export const PATIENTS_PAGE_DEFAULT_LIMIT = 50;
export const PATIENTS_PAGE_MAX_LIMIT = 200;

/** The query string of GET /v1/patients: a page size and the opaque cursor of the previous page. */
export class PatientsPageQueryV1 {
  @ApiPropertyOptional({ minimum: 1, maximum: PATIENTS_PAGE_MAX_LIMIT, default: PATIENTS_PAGE_DEFAULT_LIMIT })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PATIENTS_PAGE_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, PAGE_CURSOR_MAX_LENGTH)
  cursor?: string;
}

/** GET /v1/patients: the most recently updated first; `nextCursor` is absent on the last page. */
export class PatientsPageV1 extends SearchPatientsResultV1 {
  @ApiPropertyOptional({ description: 'Absent on the last page' }) nextCursor?: string;
}

/** The most recently updated patients of a hospital, a page at a time (the Care app's patient list). */
export class ListPatientsRequestV1 extends HospitalScopedV1 {
  @IsOptional() @IsInt() @Min(1) @Max(PATIENTS_PAGE_MAX_LIMIT) limit?: number;
  @IsOptional() @ValidateNested() @Type(() => KeysetPositionV1) after?: KeysetPositionV1;
}

/** A page and, when more follow, the position of its last patient (the gateway makes the cursor of it). */
export interface ListPatientsResultV1 extends SearchPatientsResultV1 {
  next?: KeysetPositionV1;
}

export class GetPatientRequestV1 extends HospitalScopedV1 {
  @IsUUID('all') patientId: string;
}

export class StartCareFlowRequestV1 extends HospitalScopedV1 {
  @IsUUID('all') patientId: string;
  @IsObject() @ValidateNested() @Type(() => CareFlowStartInputV1) careFlow: CareFlowStartInputV1;
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
}

export class UpdateBaselineRequestV1 extends HospitalScopedV1 {
  @IsUUID('all') careFlowId: string;
  @IsObject() baseline: Record<string, string>;
}

export class StopCareFlowRequestV1 extends HospitalScopedV1 {
  @IsUUID('all') careFlowId: string;
  @IsString() @Length(1, 500) reason: string;
}

export type CareFlowResultV1 = CareFlowViewV1;
