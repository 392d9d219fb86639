/** The resource shapes of PRODUCT.md, as the screens use them. */
export interface CareFlow {
  id: string;
  patientId: string;
  definitionKey: string;
  status: 'active' | 'stopped' | 'completed';
  physicianId?: string;
  physicianCode?: string;
  baseline: Record<string, string>;
  source: { kind: string; appointmentId?: string };
  startedAt: string;
  stoppedAt?: string;
  stopReason?: string;
}

export interface Patient {
  id: string;
  patientCode: string;
  visitNumber?: string;
  firstName: string;
  lastName: string;
  middleName?: string;
  birthDate?: string;
  sex: string;
  email?: string;
  phone?: string;
  mobilePhone?: string;
  nationalRegistryNumber?: string;
  address?: { street?: string; city?: string; zip?: string; country?: string };
  careFlows: CareFlow[];
  updatedAt: string;
}

export interface Candidate extends Omit<Patient, 'id' | 'careFlows' | 'updatedAt'> {
  existingPatientId?: string;
}

export interface Physician {
  id: string;
  firstName: string;
  lastName: string;
  physicianCode?: string;
}

export interface CareFlowDefinition {
  key: string;
  title: string;
  baseline: { key: string; type: 'string' | 'date' | 'datetime' | 'number'; required: boolean }[];
}

/** One entry of GET /v1/patients/{id}/trace. */
export interface PatientTraceEvent {
  at: string;
  kind:
    'push' | 'import' | 'siu' | 'careflow.started' | 'careflow.updated' | 'careflow.stopped' | 'login-link';
  channel?: 'api' | 'hl7' | 'webservice' | 'siu-file' | 'siu-mllp';
  messageId?: string;
  careFlowId?: string;
  summary: string;
}

export interface PatientTracePage {
  events: PatientTraceEvent[];
  nextCursor?: string;
}
