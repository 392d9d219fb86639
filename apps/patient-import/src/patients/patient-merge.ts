import type { PatientInputV1 } from '@bridge/contracts';

/**
 * The one merge rule for a patient stored again, whatever brought it (push, import, SIU), as the SET list
 * of an `INSERT INTO patient_import.patients AS p … ON CONFLICT … DO UPDATE`: the names follow the newest
 * message; every other field keeps its stored value when the message does not carry it, so a later message
 * with less detail never erases what the hospital sent before.
 *
 * `incoming` gives, for sex and identifiers, the statement's expression for the value the message carries,
 * NULL when it carries none: their inserted columns have defaults ('unknown', []), so a statement that
 * inserts the defaults says "not carried" with NULLIF over EXCLUDED instead of a parameter.
 */
export function patientMergeSet(incoming: { sex: string; identifiers: string }): string {
  return `visit_number = COALESCE(EXCLUDED.visit_number, p.visit_number),
    first_name = EXCLUDED.first_name,
    last_name = EXCLUDED.last_name,
    middle_name = COALESCE(EXCLUDED.middle_name, p.middle_name),
    birth_date = COALESCE(EXCLUDED.birth_date, p.birth_date),
    sex = COALESCE(${incoming.sex}, p.sex),
    email = COALESCE(EXCLUDED.email, p.email),
    phone = COALESCE(EXCLUDED.phone, p.phone),
    mobile_phone = COALESCE(EXCLUDED.mobile_phone, p.mobile_phone),
    national_registry_number = COALESCE(EXCLUDED.national_registry_number, p.national_registry_number),
    preferred_language = COALESCE(EXCLUDED.preferred_language, p.preferred_language),
    address = COALESCE(EXCLUDED.address, p.address),
    identifiers = COALESCE(${incoming.identifiers}, p.identifiers),
    updated_at = now()`;
}

/**
 * A patient's identifiers as the `identifiers` column stores them (system and value, nothing else the
 * message carried), as a jsonb parameter; undefined when the message carries none.
 */
export function storedIdentifiers(patient: PatientInputV1): string | undefined {
  return patient.identifiers
    ? JSON.stringify(patient.identifiers.map(({ system, value }) => ({ system, value })))
    : undefined;
}
