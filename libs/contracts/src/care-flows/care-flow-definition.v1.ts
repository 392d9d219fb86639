import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';

export const BASELINE_FIELD_TYPES = ['string', 'date', 'datetime', 'number'] as const;
export type BaselineFieldType = (typeof BASELINE_FIELD_TYPES)[number];

export class BaselineFieldV1 {
  @ApiProperty({ example: 'appointmentDate' })
  @IsString()
  @Matches(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, { message: 'key must be an identifier (letters, digits, _)' })
  key: string;

  @ApiProperty({ enum: BASELINE_FIELD_TYPES }) @IsIn(BASELINE_FIELD_TYPES) type: BaselineFieldType;
  @ApiProperty() @IsBoolean() required: boolean;
}

export class CareFlowDefinitionInputV1 {
  @ApiProperty({ example: 'knee-replacement' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,99}$/, { message: 'key must be lower-case letters, digits and dashes' })
  key: string;

  @ApiProperty() @IsString() @Length(1, 200) title: string;

  @ApiProperty({ type: [BaselineFieldV1] })
  @ArrayMaxSize(50)
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => BaselineFieldV1)
  baseline: BaselineFieldV1[];
}

export class CreateCareFlowDefinitionRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => CareFlowDefinitionInputV1) definition: CareFlowDefinitionInputV1;
}

/** The hospital's definitions in use; the console also lists the deactivated ones (optional, added in place: v1 compatible). */
export class ListCareFlowDefinitionsRequestV1 extends HospitalScopedV1 {
  @IsOptional() @IsBoolean() includeInactive?: boolean;
}

/** What an admin may change of a definition: its key stays (care flows name it). `active: false` deactivates. */
export class CareFlowDefinitionPatchV1 {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) title?: string;

  @ApiPropertyOptional({ type: [BaselineFieldV1] })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => BaselineFieldV1)
  baseline?: BaselineFieldV1[];

  @ApiPropertyOptional({ description: 'false: no new care flow starts with it; running ones go on' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateCareFlowDefinitionRequestV1 extends HospitalScopedV1 {
  @IsString() @Matches(/^[a-z0-9][a-z0-9-]{0,99}$/) key: string;
  @IsObject() @ValidateNested() @Type(() => CareFlowDefinitionPatchV1) patch: CareFlowDefinitionPatchV1;
}

export interface CareFlowDefinitionViewV1 {
  id: string;
  hospitalId: string;
  key: string;
  title: string;
  baseline: { key: string; type: BaselineFieldType; required: boolean }[];
  /** Deactivated definitions start no new care flows (absent from older replies: active). */
  active?: boolean;
  createdAt: string;
}
