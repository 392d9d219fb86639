import {
  DomainError,
  PatientInputV1,
  MAX_PATIENT_IDENTIFIERS,
  REQUIRED_PATIENT_FIELDS,
  fitDemographicsToPatientInput,
  validatePayload,
  type DemographicsV1,
  type PatientViewV1,
} from '@bridge/contracts';
import type { Demographics } from '@bridge/hl7';

export type PatientSource = Demographics | PatientViewV1 | DemographicsV1;

/**
 * Demographics as the patient to upsert, without the payload-class check (the hot path: patient-import
 * validates the request anyway, and class-validator costs more than the rest of a message). Only what
 * makes a patient impossible is refused here; a value the check would refuse comes back from
 * patient-import, and that message then goes through validatedPatientInput.
 */
export function patientInputWithoutValidation(demographics: PatientSource): PatientInputV1 {
  const candidate = candidateOf(demographics);
  const missing = [...REQUIRED_PATIENT_FIELDS].filter((field) => typeof candidate[field] !== 'string');
  if (missing.length > 0) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `The patient cannot be created: ${missing.join(', ')} missing or invalid in PID.`,
    );
  }
  return candidate as unknown as PatientInputV1;
}

/**
 * Demographics (from the message's PID, or the hospital's answer to a query) as the patient to upsert,
 * checked against the push API's payload class (fitDemographicsToPatientInput: an optional value that does not fit is
 * dropped). No patient code, first or last name fails the message with the field names only (no PHI).
 */
export function validatedPatientInput(demographics: PatientSource): PatientInputV1 {
  const fitted = fitDemographicsToPatientInput(candidateOf(demographics));
  if (fitted.ok) return validatePayload(PatientInputV1, fitted.patient);
  throw new DomainError(
    'VALIDATION_FAILED',
    fitted.missing.length > 0
      ? `The patient cannot be created: ${fitted.missing.join(', ')} missing or invalid in PID.`
      : 'The patient data in PID could not be made valid.',
  );
}

function candidateOf(demographics: PatientSource): Record<string, unknown> {
  const candidate: Record<string, unknown> = {
    patientCode: demographics.patientCode,
    visitNumber: demographics.visitNumber,
    firstName: demographics.firstName,
    lastName: demographics.lastName,
    middleName: demographics.middleName,
    birthDate: demographics.birthDate,
    sex: demographics.sex,
    email: demographics.email,
    phone: demographics.phone,
    mobilePhone: demographics.mobilePhone,
    nationalRegistryNumber: demographics.nationalRegistryNumber,
    preferredLanguage: demographics.preferredLanguage,
    address: demographics.address && { ...demographics.address },
    identifiers: demographics.identifiers
      .slice(0, MAX_PATIENT_IDENTIFIERS)
      .map(({ system, value }) => ({ system, value })),
  };
  return Object.fromEntries(
    Object.entries(candidate).filter(([, value]) => value !== undefined && value !== ''),
  );
}
