import { DomainError, isDomainError } from '../errors';
import { validatePayload } from '../validation';
import { PatientInputV1 } from './patient-input.v1';

/** Without these, demographics cannot become a patient. */
export const REQUIRED_PATIENT_FIELDS: ReadonlySet<string> = new Set(['patientCode', 'firstName', 'lastName']);
/** Each round drops every value the payload class refused; nested refusals may need a few. */
const MAX_ROUNDS = 5;

export type FittedPatientInput =
  | { ok: true; patient: Record<string, unknown> }
  /** `missing`: the required fields absent or refused (names only, never values: they may be PHI). */
  | { ok: false; missing: string[] };

/**
 * A hospital's demographics (a query answer, a PID) fitted to the push API's payload class: an optional
 * value that does not fit (an e-mail that is not one, an over-long phone, a bad identifier) is dropped
 * rather than refusing the patient; without a usable patient code, first and last name there is no patient.
 * Shared by the pull import's candidates and SIU, so both accept and drop the same things.
 */
export function fitDemographicsToPatientInput(candidate: Record<string, unknown>): FittedPatientInput {
  let current = candidate;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const problems = problemsOf(current);
    if (problems.length === 0) return { ok: true, patient: current };
    const missing = [
      ...new Set(
        problems.map((field) => field.split('.')[0]).filter((top) => REQUIRED_PATIENT_FIELDS.has(top)),
      ),
    ];
    if (missing.length > 0) return { ok: false, missing };
    current = withoutFields(current, problems);
  }
  return { ok: false, missing: [] };
}

function problemsOf(candidate: Record<string, unknown>): string[] {
  try {
    validatePayload(PatientInputV1, candidate);
    return [];
  } catch (error) {
    if (!isDomainError(error)) throw error;
    const fields = (error.details?.errors ?? []).map((problem) => problem.field);
    if (fields.length === 0)
      throw new DomainError('INTERNAL_ERROR', 'Patient demographics could not be checked.');
    return fields;
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
