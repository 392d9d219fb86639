import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  Length,
  ValidateNested,
} from 'class-validator';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';
import {
  AppointmentMessageV1,
  type AppointmentMessageAppliedV1,
  type AppointmentMessageFailedV1,
} from './appointments.rpc.v1';

/**
 * v2: each message may carry its rule-27 key, and patient-import claims it in the transaction that applies the
 * message (the claim is the message's own row there): a message whose key an applied message holds is a
 * duplicate and changes nothing. v1 (no key) stays for a siu-ingestor of the previous release.
 */
export class AppointmentMessageV2 extends AppointmentMessageV1 {
  /**
   * (MSH-3, MSH-4, MSH-10) as a fixed-size digest (siu-ingestor's `duplicateKeyOf`); absent for a message
   * without MSH-10, which is never a duplicate.
   */
  @IsOptional() @IsString() @Length(1, 100) duplicateKey?: string;
}

export class ApplyAppointmentMessagesRequestV2 extends HospitalScopedV1 {
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AppointmentMessageV2)
  messages: AppointmentMessageV2[];
}

/** Rule 27: another applied message (`duplicateOf`) holds this message's key; nothing was changed. */
export interface AppointmentMessageDuplicateV2 {
  messageId: string;
  ok: true;
  duplicateOf: string;
}

export type AppointmentMessageResultV2 =
  AppointmentMessageAppliedV1 | AppointmentMessageFailedV1 | AppointmentMessageDuplicateV2;

export interface ApplyAppointmentMessagesResultV2 {
  /** One result per message, in request order. */
  results: AppointmentMessageResultV2[];
}
