import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Min,
  ValidateNested,
} from 'class-validator';
import { AuditActorV1 } from './audit/audit.rpc.v1';
import { PATIENT_SOURCES } from './patients/patients.rpc.v1';

/**
 * Where a patient-scoped event stands in its patient's order (both optional: events written before they
 * existed carry neither; a patient's first event has no previous one). `patientPosition` is unique per event; the event whose
 * position is `previousPatientPosition` happened before this one. Notifier delivers a patient's webhooks in
 * that order across event types (apps/notifier/README.md).
 */
export class PatientEventOrderV1 {
  @IsOptional() @IsInt() @Min(1) patientPosition?: number;
  @IsOptional() @IsInt() @Min(1) previousPatientPosition?: number;
}

/** Events carry ids, never demographics: PHI stays in the owning service. */
export class PatientUpsertedEventV1 extends PatientEventOrderV1 {
  @IsUUID('all') hospitalId: string;
  @IsUUID('all') patientId: string;
  @IsBoolean() created: boolean;
  @IsIn(PATIENT_SOURCES) source: (typeof PATIENT_SOURCES)[number];
}

export class CareFlowChangedEventV1 extends PatientEventOrderV1 {
  @IsUUID('all') hospitalId: string;
  @IsUUID('all') patientId: string;
  @IsUUID('all') careFlowId: string;
  @IsIn(['started', 'updated', 'stopped']) change: 'started' | 'updated' | 'stopped';
  @IsString() definitionKey: string;
  @IsOptional() @IsString() appointmentId?: string;
}

/**
 * A login link that opens the Care app on a patient (`POST /v1/users/login-token` with patientCode) was
 * issued (`users.login-link.issued.v1`) or used to sign in (`users.login-link.used.v1`). The hospital's
 * patient code is the only way user-provisioning names the patient (it owns no patients): the event stays
 * inside the platform; patient-import turns it into the patient's trace entry.
 */
export class LoginLinkEventV1 {
  @IsUUID('all') hospitalId: string;
  @IsUUID('all') userId: string;
  @IsString() @Length(1, 100) patientCode: string;
  @IsISO8601() at: string;
  /**
   * On `used` only: when the link was issued. A link issued before its patient existed left no trace then;
   * the sign-in writes it (once) when the patient exists by now.
   */
  @IsOptional() @IsISO8601() issuedAt?: string;
}

/**
 * A pull-import lookup answered a client or user (`imports.lookup.answered.v1`). patient-import writes it in
 * the statement that stores the import session, so it is durable before the candidates leave;
 * user-provisioning turns it into the `import.lookup` audit event, with the message's correlation id. Ids only.
 */
export class ImportLookupAnsweredEventV1 {
  @IsUUID('all') hospitalId: string;
  @IsUUID('all') importId: string;
  @ValidateNested() @Type(() => AuditActorV1) actor: AuditActorV1;
  @IsISO8601() at: string;
}
