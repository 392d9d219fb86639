import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { ErrorPayload } from '../errors';
import { PatientInputV1 } from '../patients/patient-input.v1';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';
import { SIU_ACTIONS, type SiuActionV1 } from '../siu/siu-connection.v1';
import { SIU_CHANNELS } from '../siu/siu.events.v1';

/** What one SIU message asks of its appointment (HL7-RULES 20-25), as siu-ingestor read it. */
export class AppointmentActionV1 {
  /** SCH-2.1, else SCH-1.1 (rule 21). */
  @IsString() @Length(1, 200) appointmentId: string;
  /** MSH-9.2, e.g. S15: named in a stop reason. */
  @IsString() @Length(1, 20) event: string;
  @IsIn(SIU_ACTIONS) action: SiuActionV1;
  /** The care flow the care-flow map chose (rule 23); absent: nothing is created for this message. */
  @IsOptional() @IsString() @Length(1, 100) careFlowDefinitionKey?: string;
  /** The physician resolved from physicianCode, when the hospital's code is a known user. */
  @IsOptional() @IsUUID('all') physicianId?: string;
  @IsOptional() @IsString() @Length(1, 100) physicianCode?: string;
  /** appointmentDate, appointmentType, physicianCode, location: what the message has. */
  @IsObject() baseline: Record<string, string>;
}

export class AppointmentMessageV1 {
  /** siu-ingestor's message id: applying the same message again answers the first result (idempotent). */
  @IsUUID('all') messageId: string;
  /** Position of the message in the hospital's stream (file order, then arrival): rule 19 order, whatever order they are applied in. */
  @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) sequence: number;
  /** Found by patientCode, created or updated with these demographics (source `siu`). */
  @IsObject() @ValidateNested() @Type(() => PatientInputV1) patient: PatientInputV1;
  /** How the message came: a file line or the real-time listener (the patient's trace names it). */
  @IsOptional() @IsIn(SIU_CHANNELS) channel?: (typeof SIU_CHANNELS)[number];
  /** Absent for a message that acts on no appointment (an ignored event without appointment id). */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AppointmentActionV1)
  appointment?: AppointmentActionV1;
}

/**
 * Applies SIU messages to patients and appointments (patient-import owns both). Each message is atomic on
 * its own — its patient, appointment and care-flow change commit together or not at all — and one
 * message's failure does not touch the others (rule 26).
 */
export class ApplyAppointmentMessagesRequestV1 extends HospitalScopedV1 {
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AppointmentMessageV1)
  messages: AppointmentMessageV1[];
}

export interface AppointmentMessageAppliedV1 {
  messageId: string;
  ok: true;
  patientId: string;
  patientCreated: boolean;
  careFlowId?: string;
  careFlowStarted: boolean;
  careFlowUpdated: boolean;
  careFlowStopped: boolean;
  /** The message had been applied before: this is the first application's result, nothing changed now. */
  replayed: boolean;
}

export interface AppointmentMessageFailedV1 {
  messageId: string;
  ok: false;
  error: ErrorPayload;
  /** True when the failure may pass (a lost connection, a deadlock): the message should be tried again. */
  retryable: boolean;
}

export type AppointmentMessageResultV1 = AppointmentMessageAppliedV1 | AppointmentMessageFailedV1;

export interface ApplyAppointmentMessagesResultV1 {
  /** One result per message, in request order. */
  results: AppointmentMessageResultV1[];
}
