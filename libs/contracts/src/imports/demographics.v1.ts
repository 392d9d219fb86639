import type { Sex } from '../patients/patient-input.v1';

/** A patient as a hospital describes it (HL7 PID, pdq, FHIR or a custom service), before it is saved. */
export interface DemographicsV1 {
  patientCode: string;
  visitNumber?: string;
  firstName: string;
  lastName: string;
  middleName?: string;
  /** YYYY-MM-DD, or YYYY-MM / YYYY when the hospital sent less. */
  birthDate?: string;
  sex: Sex;
  email?: string;
  phone?: string;
  mobilePhone?: string;
  nationalRegistryNumber?: string;
  preferredLanguage?: string;
  address?: { street?: string; city?: string; zip?: string; state?: string; country?: string };
  identifiers: { system: string; value: string }[];
}

/** A pull-import candidate: the demographics plus the Care app patient it already is, if any. */
export interface CandidateV1 extends DemographicsV1 {
  existingPatientId?: string;
}

export const LOOKUP_KEYS = ['patientCode', 'visitNumber'] as const;
export type LookupKey = (typeof LOOKUP_KEYS)[number];
