import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';

/** Connection kinds that have a self-test (PRODUCT.md "Connection self-test"). */
export const CONNECTION_TEST_KINDS = ['hl7', 'webservice', 'siu'] as const;
export type ConnectionTestKind = (typeof CONNECTION_TEST_KINDS)[number];

/** Body of POST /v1/admin/hospitals/{id}/connections/{kind}/test. */
export class ConnectionTestInputV1 {
  /**
   * The patient code the harmless lookup asks for; without it the lookup asks for a code no hospital
   * has, and "not found" counts as a good answer. Nothing is imported either way.
   */
  @ApiPropertyOptional({
    description: 'Patient code to look up (nothing is imported); default: a code nobody has',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  patientCode?: string;
}

export class TestConnectionRequestV1 extends HospitalScopedV1 {
  @IsOptional() @IsString() @Length(1, 100) patientCode?: string;
}

/** One step of a self-test: what was checked, whether it passed, how long it took, in words. */
export interface ConnectionTestStepV1 {
  name: string;
  ok: boolean;
  ms: number;
  /** For people: what was found, or why it failed. Names no patient data. */
  detail: string;
}

export interface ConnectionTestResultV1 {
  /** True when every step passed. */
  ok: boolean;
  steps: ConnectionTestStepV1[];
}
