import type { Hl7Repetition } from '../model/hl7-message';
import { compact } from '../model/drop-empty-values';
import { readHl7Date } from '../model/hl7-date';
import type {
  Demographics,
  DemographicsOptions,
  Hl7Address,
  Hl7Identifier,
  PidGroup,
  Sex,
} from './demographics.types';

// CX components
const CX_ID = 1;
const CX_AUTHORITY = 4;
const CX_TYPE = 5;

/** Rule 10 b: the connection's default `patientIdTypes` (PRODUCT.md), in precedence order. */
export const DEFAULT_PATIENT_ID_TYPES: readonly string[] = Object.freeze(['MR', 'MRN', 'PI', 'PT']);

const LOWER_CASE_BIT = 0x20;

function isLetterCode(code: number): boolean {
  const upper = code & ~LOWER_CASE_BIT;
  return upper >= 0x41 && upper <= 0x5a;
}

/** ASCII case-insensitive comparison of identifier types, without allocating (hot path, P4). */
function sameType(written: string, wanted: string): boolean {
  if (written === wanted) return true;
  if (written.length !== wanted.length) return false;
  for (let i = 0; i < written.length; i++) {
    const code = written.charCodeAt(i);
    const other = wanted.charCodeAt(i);
    if (code !== other && (!isLetterCode(code) || (code | LOWER_CASE_BIT) !== (other | LOWER_CASE_BIT))) {
      return false;
    }
  }
  return true;
}

/** Rule 11: `NN`, or `NN` followed by a three-letter country code (`NNBEL`, `NNNLD`), any case. */
function isNationalNumberType(type: string): boolean {
  if (type.length !== 2 && type.length !== 5) return false;
  if ((type.charCodeAt(0) | LOWER_CASE_BIT) !== 0x6e || (type.charCodeAt(1) | LOWER_CASE_BIT) !== 0x6e) {
    return false;
  }
  return (
    type.length === 2 ||
    (isLetterCode(type.charCodeAt(2)) && isLetterCode(type.charCodeAt(3)) && isLetterCode(type.charCodeAt(4)))
  );
}

/** Rule 10 a: identifier types that never name the patient, whatever their authority (with NN above). */
const NOT_A_PATIENT_CODE: readonly string[] = ['SB', 'SS', 'VN', 'AN', 'PPN', 'DL'];

function mayNameThePatient(type: string): boolean {
  if (isNationalNumberType(type)) return false;
  for (const excluded of NOT_A_PATIENT_CODE) if (sameType(type, excluded)) return false;
  return true;
}

/**
 * Rule 10, never by position: (a) the configured authority's first repetition that is not a national,
 * social-security, visit, account or document number; else (b) the first repetition typed with the
 * earliest of `patientIdTypes`; else (c) when nothing is typed, the first untyped repetition.
 * With a configured authority, (b) and (c) never take a repetition that names another authority: a
 * code of another hospital (an old MR after a merger) would silently point at the wrong patient.
 */
export function selectPatientCode(
  repetitions: readonly Hl7Repetition[],
  options: DemographicsOptions = {},
): string | undefined {
  const authority = options.patientIdAuthority?.trim() || undefined;
  let anyTyped = false;
  for (const repetition of repetitions) {
    const type = repetition.component(CX_TYPE);
    if (type !== '') anyTyped = true;
    if (
      authority !== undefined &&
      repetition.component(CX_ID) !== '' &&
      hasAuthority(repetition, authority) &&
      mayNameThePatient(type)
    ) {
      return repetition.component(CX_ID);
    }
  }
  // Rule 10 b: an MR anywhere beats an earlier PI, so the types are tried in order, not the repetitions.
  if (anyTyped) {
    for (const wanted of options.patientIdTypes ?? DEFAULT_PATIENT_ID_TYPES) {
      if (wanted === '') continue;
      for (const repetition of repetitions) {
        if (sameType(repetition.component(CX_TYPE), wanted) && isEligible(repetition, authority)) {
          return repetition.component(CX_ID);
        }
      }
    }
    return undefined;
  }
  for (const repetition of repetitions) {
    if (isEligible(repetition, authority)) return repetition.component(CX_ID);
  }
  return undefined;
}

function hasAuthority(repetition: Hl7Repetition, authority: string): boolean {
  return (
    repetition.component(CX_AUTHORITY, 1) === authority || repetition.component(CX_AUTHORITY, 2) === authority
  );
}

/** Has a value and, with a configured authority, names that authority or none. */
function isEligible(repetition: Hl7Repetition, authority: string | undefined): boolean {
  if (repetition.component(CX_ID) === '') return false;
  if (authority === undefined || hasAuthority(repetition, authority)) return true;
  return repetition.component(CX_AUTHORITY, 1) === '' && repetition.component(CX_AUTHORITY, 2) === '';
}

const NON_DIGITS = /\D/g;

/** Rule 11: first NN, NN + country or SB repetition, digits only (`83.12.25-151.53` -> `83122515153`). */
function selectNationalRegistryNumber(repetitions: readonly Hl7Repetition[]): string | undefined {
  for (const repetition of repetitions) {
    const type = repetition.component(CX_TYPE);
    if (isNationalNumberType(type) || sameType(type, 'SB')) {
      return repetition.component(CX_ID).replace(NON_DIGITS, '') || undefined;
    }
  }
  return undefined;
}

function readIdentifiers(repetitions: readonly Hl7Repetition[]): Hl7Identifier[] {
  const identifiers: Hl7Identifier[] = [];
  for (const repetition of repetitions) {
    const value = repetition.component(CX_ID);
    if (value === '') continue;
    const type = repetition.component(CX_TYPE);
    const system = repetition.component(CX_AUTHORITY, 1) || repetition.component(CX_AUTHORITY, 2) || type;
    identifiers.push(type === '' ? { system, value } : { system, value, type });
  }
  return identifiers;
}

/** Rule 13: the legal name (XPN.7 = L), else the first repetition with a name in it. */
function selectName(repetitions: readonly Hl7Repetition[]): Hl7Repetition | undefined {
  const hasName = (repetition: Hl7Repetition): boolean =>
    repetition.component(1) !== '' || repetition.component(2) !== '' || repetition.component(3) !== '';
  return (
    repetitions.find((repetition) => repetition.component(7).toUpperCase() === 'L' && hasName(repetition)) ??
    repetitions.find(hasName)
  );
}

const SEX: Readonly<Record<string, Sex>> = {
  M: 'male',
  F: 'female',
  O: 'other',
  A: 'other',
  U: 'unknown',
  N: 'unknown',
};

/** Rule 15 (case-insensitive; anything unknown is `unknown`). */
export function readSex(value: string): Sex {
  return SEX[value.trim().toUpperCase()] ?? 'unknown';
}

function isEmail(repetition: Hl7Repetition): boolean {
  const equipment = repetition.component(3).toUpperCase();
  return repetition.component(2).toUpperCase() === 'NET' || equipment === 'INTERNET' || equipment === 'X.400';
}

function isMobile(repetition: Hl7Repetition): boolean {
  return repetition.component(3).toUpperCase() === 'CP';
}

/**
 * Rule 16: XTN.1, or when it is empty (v2.5+ senders) XTN.5-8 as `+<country> <area> <local> ext
 * <extension>`, leaving out the parts that are empty (`^PRN^PH^^1^416^5551545` -> `+1 416 5551545`).
 */
function phoneNumber(repetition: Hl7Repetition): string | undefined {
  const written = repetition.component(1);
  if (written !== '') return written;
  const local = repetition.component(7);
  const country = repetition.component(5);
  const area = repetition.component(6);
  const extension = repetition.component(8);
  if (local === '' && country === '' && area === '' && extension === '') return undefined;
  let number = country === '' ? '' : `+${country}`;
  if (area !== '') number = number === '' ? area : `${number} ${area}`;
  if (local !== '') number = number === '' ? local : `${number} ${local}`;
  if (extension !== '') number = number === '' ? `ext ${extension}` : `${number} ext ${extension}`;
  return number;
}

/**
 * Rules 16-17 on PID-13 (PID-14 is never read). Each value comes from the first repetition of its
 * kind that actually carries one, so an empty placeholder repetition never hides a real number.
 */
function readTelecom(repetitions: readonly Hl7Repetition[]): {
  phone?: string;
  mobilePhone?: string;
  email?: string;
} {
  let phone: string | undefined;
  let mobilePhone: string | undefined;
  let email: string | undefined;
  for (const repetition of repetitions) {
    if (isEmail(repetition)) {
      // v2.3 senders put the address in XTN.1; later versions in XTN.4.
      email ??= repetition.component(4) || repetition.component(1) || undefined;
    } else if (isMobile(repetition)) {
      mobilePhone ??= phoneNumber(repetition);
    } else {
      phone ??= phoneNumber(repetition);
    }
  }
  return { phone, mobilePhone, email };
}

/** Rule 18: first PID-11 repetition, verbatim. */
function readAddress(repetition: Hl7Repetition | undefined): Hl7Address | undefined {
  if (!repetition) return undefined;
  const address = compact({
    street: repetition.component(1, 1),
    city: repetition.component(3),
    state: repetition.component(4),
    zip: repetition.component(5),
    country: repetition.component(6),
  });
  return Object.keys(address).length === 0 ? undefined : address;
}

/**
 * Demographics of one PID group by rules 10-18. Only PID and PV1-19 feed it (rule 9): NK1, GT1,
 * IN1 and the rest of the group are never read.
 */
export function readDemographics(group: PidGroup, options: DemographicsOptions = {}): Demographics {
  const pid = group.pid;
  const identifiers = pid.field(3);
  const name = selectName(pid.field(5));
  const telecom = readTelecom(pid.field(13));
  const optional = compact({
    patientCode: selectPatientCode(identifiers, options),
    nationalRegistryNumber: selectNationalRegistryNumber(identifiers),
    visitNumber: group.pv1?.get(19, 1),
    lastName: name?.component(1, 1),
    firstName: name?.component(2),
    middleName: name?.component(3),
    birthDate: readHl7Date(pid.get(7, 1)),
    email: telecom.email,
    phone: telecom.phone,
    mobilePhone: telecom.mobilePhone,
    preferredLanguage: pid.get(15, 1),
    address: readAddress(pid.field(11)[0]),
  });
  // Completed in place: spreading `optional` into a new literal was a visible share of the P4 profile.
  const demographics = optional as { -readonly [K in keyof Demographics]: Demographics[K] };
  demographics.sex = readSex(pid.get(8));
  demographics.identifiers = readIdentifiers(identifiers);
  return demographics;
}
