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
import type { CareFlowViewV1, PatientViewV1 } from './patient.view.v1';

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
export interface SearchPatientsResultV1 {
  total: number;
  patients: PatientViewV1[];
}

/** The most recently updated patients of a hospital, a page at a time (the Care app's patient list). */
export class ListPatientsRequestV1 extends HospitalScopedV1 {
  @IsOptional() @IsInt() @Min(1) @Max(200) limit?: number;
  @IsOptional() @IsInt() @Min(0) offset?: number;
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
