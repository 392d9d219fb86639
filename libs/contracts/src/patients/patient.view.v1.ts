import type { Sex } from './patient-input.v1';

export type CareFlowStatus = 'active' | 'stopped' | 'completed';
export type CareFlowSourceKind = 'api' | 'import' | 'siu';

export interface CareFlowViewV1 {
  id: string;
  patientId: string;
  definitionKey: string;
  status: CareFlowStatus;
  physicianId?: string;
  physicianCode?: string;
  baseline: Record<string, string>;
  source: { kind: CareFlowSourceKind; appointmentId?: string; messageId?: string };
  startedAt: string;
  stoppedAt?: string;
  stopReason?: string;
}

export interface PatientViewV1 {
  id: string;
  hospitalId: string;
  patientCode: string;
  visitNumber?: string;
  firstName: string;
  lastName: string;
  middleName?: string;
  birthDate?: string;
  sex: Sex;
  email?: string;
  phone?: string;
  mobilePhone?: string;
  nationalRegistryNumber?: string;
  preferredLanguage?: string;
  address?: { street?: string; city?: string; zip?: string; state?: string; country?: string };
  identifiers: { system: string; value: string }[];
  careFlows: CareFlowViewV1[];
  createdAt: string;
  updatedAt: string;
}
