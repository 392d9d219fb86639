import {
  DomainError,
  PatientInputV1,
  isDomainError,
  validatePayload,
  type DemographicsV1,
  type PatientViewV1,
} from '@bridge/contracts';
import type { Demographics } from '@bridge/hl7';

/** Without these a patient cannot be created. */
const REQUIRED = new Set(['patientCode', 'firstName', 'lastName']);
const MAX_IDENTIFIERS = 20;

export type PatientSource = Demographics | PatientViewV1 | DemographicsV1;

/**
 * Demographics as the patient to upsert, without the payload-class check (the hot path: patient-import
 * validates the request anyway, and class-validator costs more than the rest of a message). Only what
 * makes a patient impossible is refused here; a value the check would refuse comes back from
 * patient-import, and that message then goes through toPatientInput.
 */
export function draftPatientInput(demographics: PatientSource): PatientInputV1 {
  const candidate = candidateOf(demographics);
  const missing = [...REQUIRED].filter((field) => typeof candidate[field] !== 'string');
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
 * checked against the push API's payload class. An optional value that does not fit (an e-mail that is
 * not one, an over-long phone) is dropped rather than failing the appointment; no patient code, first or
 * last name fails the message with the field names only (no PHI in the reason).
 */
export function toPatientInput(demographics: PatientSource): PatientInputV1 {
  let candidate = candidateOf(demographics);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const problems = problemsOf(candidate);
    if (problems.length === 0) return validatePayload(PatientInputV1, candidate);
    const required = problems.filter((field) => REQUIRED.has(field.split('.')[0]));
    if (required.length > 0) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `The patient cannot be created: ${[...new Set(required)].join(', ')} missing or invalid in PID.`,
      );
    }
    candidate = withoutFields(candidate, problems);
  }
  throw new DomainError('VALIDATION_FAILED', 'The patient data in PID could not be made valid.');
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
      .slice(0, MAX_IDENTIFIERS)
      .map(({ system, value }) => ({ system, value })),
  };
  return Object.fromEntries(
    Object.entries(candidate).filter(([, value]) => value !== undefined && value !== ''),
  );
}

function problemsOf(candidate: Record<string, unknown>): string[] {
  try {
    validatePayload(PatientInputV1, candidate);
    return [];
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return (error.details?.errors ?? []).map((problem) => problem.field);
  }
}

function withoutFields(candidate: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const next: Record<string, unknown> = { ...candidate };
  const badIdentifiers = new Set<number>();
  for (const field of fields) {
    const [top, second] = field.split('.');
    if (top === 'identifiers' && second !== undefined && /^\d+$/.test(second)) {
      badIdentifiers.add(Number(second));
    } else if (
      top === 'address' &&
      second !== undefined &&
      typeof next.address === 'object' &&
      next.address
    ) {
      const address: Record<string, unknown> = { ...(next.address as Record<string, unknown>) };
      delete address[second];
      next.address = address;
      if (Object.keys(address).length === 0) delete next.address;
    } else {
      delete next[top];
    }
  }
  if (badIdentifiers.size > 0 && Array.isArray(next.identifiers)) {
    next.identifiers = next.identifiers.filter((_, index) => !badIdentifiers.has(index));
  }
  return next;
}
