import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AddressV1, IdentifierV1, SEXES, type Sex } from './patient-input.v1';

// Classes rather than interfaces so that the OpenAPI document describes the responses too: the Care
// app's types are generated from that document (npm run api:types).

export const CARE_FLOW_STATUSES = ['active', 'stopped', 'completed'] as const;
export type CareFlowStatus = (typeof CARE_FLOW_STATUSES)[number];
export const CARE_FLOW_SOURCE_KINDS = ['api', 'import', 'siu'] as const;
export type CareFlowSourceKind = (typeof CARE_FLOW_SOURCE_KINDS)[number];

export class CareFlowSourceV1 {
  @ApiProperty({ enum: CARE_FLOW_SOURCE_KINDS }) kind: CareFlowSourceKind;
  @ApiPropertyOptional() appointmentId?: string;
  @ApiPropertyOptional() messageId?: string;
}

export class CareFlowViewV1 {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) patientId: string;
  @ApiProperty() definitionKey: string;
  @ApiProperty({ enum: CARE_FLOW_STATUSES }) status: CareFlowStatus;
  @ApiPropertyOptional({ format: 'uuid' }) physicianId?: string;
  @ApiPropertyOptional() physicianCode?: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  baseline: Record<string, string>;
  @ApiProperty({ type: CareFlowSourceV1 }) source: CareFlowSourceV1;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiPropertyOptional({ format: 'date-time' }) stoppedAt?: string;
  @ApiPropertyOptional() stopReason?: string;
}

export class PatientViewV1 {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) hospitalId: string;
  @ApiProperty() patientCode: string;
  @ApiPropertyOptional() visitNumber?: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiPropertyOptional() middleName?: string;
  @ApiPropertyOptional({ example: '1950-04-01' }) birthDate?: string;
  @ApiProperty({ enum: SEXES }) sex: Sex;
  @ApiPropertyOptional() email?: string;
  @ApiPropertyOptional() phone?: string;
  @ApiPropertyOptional() mobilePhone?: string;
  @ApiPropertyOptional() nationalRegistryNumber?: string;
  @ApiPropertyOptional() preferredLanguage?: string;
  @ApiPropertyOptional({ type: AddressV1 }) address?: AddressV1;
  @ApiProperty({ type: [IdentifierV1] }) identifiers: IdentifierV1[];
  @ApiProperty({ type: [CareFlowViewV1] }) careFlows: CareFlowViewV1[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
