import { IsDryRun } from '../common/config-write';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, Max, Min, ValidateNested } from 'class-validator';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';

/** PRODUCT.md "Retention": defaults when a hospital has set none. */
export const DEFAULT_RETENTION = { messageBodiesDays: 90, messagesDays: 365 } as const;

/** Ten years: longer than any hospital asks, small enough that a cutoff is always a valid date. */
export const MAX_RETENTION_DAYS = 3650;

/** `PUT /v1/admin/hospitals/{hospitalId}/retention`; bodies go no later than their message. */
export class RetentionInputV1 {
  @ApiProperty({ minimum: 1, maximum: MAX_RETENTION_DAYS, example: 90 })
  @IsInt()
  @Min(1)
  @Max(MAX_RETENTION_DAYS)
  messageBodiesDays: number;

  @ApiProperty({ minimum: 1, maximum: MAX_RETENTION_DAYS, example: 365 })
  @IsInt()
  @Min(1)
  @Max(MAX_RETENTION_DAYS)
  messagesDays: number;
}

export interface RetentionViewV1 {
  hospitalId: string;
  messageBodiesDays: number;
  messagesDays: number;
  /** False while the hospital follows the defaults. */
  custom: boolean;
}

export class PutRetentionRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => RetentionInputV1) retention: RetentionInputV1;
  /** Check everything, store nothing (a configuration document's dry run). */
  @IsDryRun() dryRun?: boolean;
}

export class GetRetentionRequestV1 extends HospitalScopedV1 {}

export class ListRetentionRequestV1 {}

/** What every journal's retention job prunes by. */
export interface RetentionPolicyV1 {
  defaults: { messageBodiesDays: number; messagesDays: number };
  hospitals: { hospitalId: string; messageBodiesDays: number; messagesDays: number }[];
}
