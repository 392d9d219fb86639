import { ApiPropertyOptional } from '@nestjs/swagger';
import { SIU_CHANNELS } from '../siu/siu.events.v1';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';

/** What touched a patient (PRODUCT.md "Patient trace"). */
export const PATIENT_TRACE_KINDS = [
  'push',
  'import',
  'siu',
  'careflow.started',
  'careflow.updated',
  'careflow.stopped',
  'login-link',
] as const;
export type PatientTraceKind = (typeof PATIENT_TRACE_KINDS)[number];

/**
 * The path an event came by: `api` (push, care-flow API), `hl7` / `webservice` (import), `siu-file` /
 * `siu-mllp` (SIU message: a file line or the real-time listener).
 */
export type PatientTraceChannel = 'api' | 'hl7' | 'webservice' | (typeof SIU_CHANNELS)[number];

export const PATIENT_TRACE_DEFAULT_LIMIT = 50;
export const PATIENT_TRACE_MAX_LIMIT = 200;

/** Query of `GET /v1/patients/{id}/trace`: oldest first, a page at a time. */
export class PatientTraceQueryV1 {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,80}$/)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: PATIENT_TRACE_MAX_LIMIT, default: PATIENT_TRACE_DEFAULT_LIMIT })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PATIENT_TRACE_MAX_LIMIT)
  limit?: number;
}

export class PatientTraceRequestV1 extends PatientTraceQueryV1 {
  @IsUUID('all') hospitalId: string;
  @IsUUID('all') patientId: string;
}

/** One event; ids and a short text, never demographics. */
export interface PatientTraceEventV1 {
  at: string;
  kind: PatientTraceKind;
  channel?: PatientTraceChannel;
  /** The journal entry: an HL7 or web-service exchange (import), an SIU message. */
  messageId?: string;
  careFlowId?: string;
  summary: string;
}

export interface PatientTraceV1 {
  events: PatientTraceEventV1[];
  /** Absent on the last page. */
  nextCursor?: string;
}
