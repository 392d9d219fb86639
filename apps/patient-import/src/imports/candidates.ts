import {
  fitDemographicsToPatientInput,
  MAX_PATIENT_IDENTIFIERS,
  type DemographicsV1,
  type PatientInputV1,
} from '@bridge/contracts';

/**
 * A hospital's demographics as a candidate the confirm can save: fitted to the same payload class as the
 * push API (fitDemographicsToPatientInput drops optional values that do not fit); a candidate without patient code,
 * first and last name is no candidate (undefined).
 */
export function saveableCandidateOf(demographics: DemographicsV1): DemographicsV1 | undefined {
  const fitted = fitDemographicsToPatientInput({
    ...demographics,
    identifiers: (demographics.identifiers ?? []).slice(0, MAX_PATIENT_IDENTIFIERS),
  });
  return fitted.ok ? ({ identifiers: [], ...fitted.patient } as unknown as DemographicsV1) : undefined;
}

/** The stored candidate as the patient to upsert: the demographics, without what the platform added. */
export function patientInputOfCandidate(
  candidate: DemographicsV1 & { existingPatientId?: string },
): PatientInputV1 {
  const { existingPatientId: _existing, ...demographics } = candidate;
  return demographics;
}
