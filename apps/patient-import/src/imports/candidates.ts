import {
  DomainError,
  PatientInputV1,
  isDomainError,
  validatePayload,
  type DemographicsV1,
} from '@bridge/contracts';

/** Without these a candidate cannot become a patient. */
const REQUIRED = new Set(['patientCode', 'firstName', 'lastName']);
const MAX_IDENTIFIERS = 20;

/**
 * A hospital's demographics as a candidate the confirm can save: checked against the same payload class as
 * the push API (PatientInputV1). An optional value that does not fit (an e-mail that is not one, an
 * over-long phone) is dropped rather than refusing the patient; a candidate without patient code, first
 * and last name is no candidate (undefined).
 */
export function toSaveableCandidate(demographics: DemographicsV1): DemographicsV1 | undefined {
  let candidate: Record<string, unknown> = {
    ...demographics,
    identifiers: (demographics.identifiers ?? []).slice(0, MAX_IDENTIFIERS),
  };
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const problems = problemsOf(candidate);
    if (problems.length === 0) return { identifiers: [], ...candidate } as unknown as DemographicsV1;
    if (problems.some((field) => REQUIRED.has(field.split('.')[0]))) return undefined;
    candidate = withoutFields(candidate, problems);
  }
  return undefined;
}

function problemsOf(candidate: Record<string, unknown>): string[] {
  try {
    validatePayload(PatientInputV1, candidate);
    return [];
  } catch (error) {
    if (!isDomainError(error)) throw error;
    const fields = (error.details?.errors ?? []).map((problem) => problem.field);
    if (fields.length === 0) throw new DomainError('INTERNAL_ERROR', 'A candidate could not be checked.');
    return fields;
  }
}

function withoutFields(candidate: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const next: Record<string, unknown> = { ...candidate };
  const badIdentifiers = new Set<number>();
  for (const field of fields) {
    const [top, second] = field.split('.');
    if (top === 'identifiers' && second !== undefined && /^\d+$/.test(second))
      badIdentifiers.add(Number(second));
    else if (top === 'address' && second !== undefined && typeof next.address === 'object' && next.address) {
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

/** The stored candidate as the patient to upsert: the demographics, without what the platform added. */
export function candidateAsPatient(
  candidate: DemographicsV1 & { existingPatientId?: string },
): PatientInputV1 {
  const { existingPatientId: _existing, ...demographics } = candidate;
  return demographics as PatientInputV1;
}
