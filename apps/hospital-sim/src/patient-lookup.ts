import {
  SIM_AUTHORITIES,
  SIM_VISIT_AUTHORITY,
  SIM_VISIT_SYSTEM,
  type SimAuthorityKey,
  type SimPatient,
} from './dataset';

/** One lookup, whichever protocol asked: what is searched, the value, and who issued it. */
export interface SimLookup {
  readonly by: 'patientCode' | 'visitNumber' | 'nationalNumber' | 'any';
  readonly value: string;
  /** Namespace, OID, `urn:oid:` OID or system URI; empty = any issuer. */
  readonly authority: string;
}

/** True when `name` designates the authority in any of the ways the protocols spell it. */
export function isAuthority(name: string, key: SimAuthorityKey): boolean {
  const authority = SIM_AUTHORITIES[key];
  return (
    name === authority.namespace ||
    name === authority.oid ||
    name === `urn:oid:${authority.oid}` ||
    name === authority.system
  );
}

function isVisitAuthority(name: string): boolean {
  return name === SIM_VISIT_SYSTEM || isAuthority(name, SIM_VISIT_AUTHORITY);
}

function matchesPatientCode(patient: SimPatient, lookup: SimLookup): boolean {
  return patient.identifiers.some(
    (identifier) =>
      identifier.type === 'MR' &&
      identifier.value === lookup.value &&
      (lookup.authority === '' || isAuthority(lookup.authority, identifier.authority)),
  );
}

function matchesVisit(patient: SimPatient, lookup: SimLookup): boolean {
  return (
    patient.visitNumber === lookup.value && (lookup.authority === '' || isVisitAuthority(lookup.authority))
  );
}

function matchesNationalNumber(patient: SimPatient, lookup: SimLookup): boolean {
  const digits = lookup.value.replace(/\D/g, '');
  return patient.identifiers.some(
    (identifier) =>
      identifier.type === 'NN' &&
      digits !== '' &&
      identifier.value.replace(/\D/g, '') === digits &&
      (lookup.authority === '' || isAuthority(lookup.authority, identifier.authority)),
  );
}

/** The records a lookup finds, in dataset order (the order replies list them). */
export function findPatients(dataset: readonly SimPatient[], lookup: SimLookup): SimPatient[] {
  const value = lookup.value.trim();
  if (value === '') return [];
  const query = { ...lookup, value };
  return dataset.filter((patient) => {
    switch (query.by) {
      case 'patientCode':
        return matchesPatientCode(patient, query);
      case 'visitNumber':
        return matchesVisit(patient, query);
      case 'nationalNumber':
        return matchesNationalNumber(patient, query);
      case 'any':
        return (
          matchesPatientCode(patient, query) ||
          matchesVisit(patient, query) ||
          matchesNationalNumber(patient, query)
        );
    }
  });
}
