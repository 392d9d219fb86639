import { legalName, nationalRegistryNumberOf, sexOf, type SimPatient } from './dataset';

/** One pdq entry, exactly the fields of PRODUCT.md; a value the hospital does not have is null. */
export interface PdqEntry {
  readonly patient_code: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly birth_date: string | null;
  readonly sex: 'male' | 'female' | 'other' | 'unknown';
  readonly email: string | null;
  readonly phone: string | null;
  readonly mobile_phone: string | null;
  readonly national_registry_number: string | null;
  readonly preferred_language: string | null;
  readonly address: {
    readonly street: string | null;
    readonly city: string | null;
    readonly zip: string | null;
    readonly state: string | null;
    readonly country: string | null;
  };
}

export interface PdqResponse {
  readonly total: number;
  readonly entry: readonly PdqEntry[];
}

export function toPdqEntry(patient: SimPatient): PdqEntry {
  const name = legalName(patient);
  const address = patient.address;
  return {
    patient_code: patient.patientCode,
    first_name: name.given,
    last_name: name.family,
    birth_date: patient.birthDate ?? null,
    sex: sexOf(patient),
    email: patient.email ?? null,
    phone: patient.phone ?? null,
    mobile_phone: patient.mobilePhone ?? null,
    national_registry_number: nationalRegistryNumberOf(patient) ?? null,
    preferred_language: patient.preferredLanguage ?? null,
    address: {
      street: address?.street ?? null,
      city: address?.city ?? null,
      zip: address?.zip ?? null,
      state: address?.state ?? null,
      country: address?.country ?? null,
    },
  };
}

export function toPdqResponse(patients: readonly SimPatient[]): PdqResponse {
  return { total: patients.length, entry: patients.map(toPdqEntry) };
}
