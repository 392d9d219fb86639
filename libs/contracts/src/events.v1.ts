import { IsBoolean, IsIn, IsOptional, IsString, IsUUID } from 'class-validator';
import { PATIENT_SOURCES } from './patients/patients.rpc.v1';

/** Events carry ids, never demographics: PHI stays in the owning service. */
export class PatientUpsertedEventV1 {
  @IsUUID('all') hospitalId: string;
  @IsUUID('all') patientId: string;
  @IsBoolean() created: boolean;
  @IsIn(PATIENT_SOURCES) source: (typeof PATIENT_SOURCES)[number];
}

export class CareFlowChangedEventV1 {
  @IsUUID('all') hospitalId: string;
  @IsUUID('all') patientId: string;
  @IsUUID('all') careFlowId: string;
  @IsIn(['started', 'updated', 'stopped']) change: 'started' | 'updated' | 'stopped';
  @IsString() definitionKey: string;
  @IsOptional() @IsString() appointmentId?: string;
}
