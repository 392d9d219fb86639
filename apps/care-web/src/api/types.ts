import type { components } from './openapi';

/**
 * The resource shapes the screens use. Those the OpenAPI document describes come from the generated
 * `openapi.d.ts` (`npm run api:types`), so a contract change that breaks a screen fails its typecheck.
 */
type Schemas = components['schemas'];

export type Patient = Schemas['PatientViewV1'];
export type CareFlow = Schemas['CareFlowViewV1'];
export type PatientsPage = Schemas['PatientsPageV1'];
export type PatientSearch = Schemas['PatientSearchV1'];
export type MessageEntry = Schemas['MessageViewV1'];
export type MessageLogPage = Schemas['MessageLogPageV1'];
export type Hospital = Schemas['HospitalViewV1'];

export interface Candidate extends Omit<
  Patient,
  'id' | 'hospitalId' | 'careFlows' | 'createdAt' | 'updatedAt'
> {
  existingPatientId?: string;
}

// Not yet described by the OpenAPI document (their routes declare no response schema): kept by hand.
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
