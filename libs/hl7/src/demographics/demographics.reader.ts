import type { Hl7Repetition } from '../model/hl7-message';
import { compact } from '../model/compact.util';
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

/** Rule 10, never by position: MR (and the configured authority), else the first untyped repetition. */
export function selectPatientCode(
  repetitions: readonly Hl7Repetition[],
  options: DemographicsOptions = {},
): string | undefined {
  const authority = options.patientIdAuthority?.trim() || undefined;
  const withValue = repetitions.filter((repetition) => repetition.component(CX_ID) !== '');
  const authorityOf = (repetition: Hl7Repetition): [string, string] => [
    repetition.component(CX_AUTHORITY, 1),
    repetition.component(CX_AUTHORITY, 2),
  ];
  const matchesAuthority = (repetition: Hl7Repetition): boolean =>
    authority === undefined || authorityOf(repetition).includes(authority);

  if (repetitions.some((repetition) => repetition.component(CX_TYPE) !== '')) {
    const mr = withValue.find(
      (repetition) => repetition.component(CX_TYPE).toUpperCase() === 'MR' && matchesAuthority(repetition),
    );
    return mr?.component(CX_ID);
  }
  // Nothing typed at all: the rule falls back to the first untyped repetition. With a configured
  // authority, a repetition that names another authority is never taken; one that names none is.
  const untyped = withValue.find((repetition) => {
    const [namespace, universal] = authorityOf(repetition);
    return (namespace === '' && universal === '') || matchesAuthority(repetition);
  });
  return untyped?.component(CX_ID);
}

/** Rule 11: first NN or SB repetition, digits only (`83.12.25-151.53` -> `83122515153`). */
function selectNationalRegistryNumber(repetitions: readonly Hl7Repetition[]): string | undefined {
  const match = repetitions.find((repetition) => {
    const type = repetition.component(CX_TYPE).toUpperCase();
    return type === 'NN' || type === 'SB';
  });
  const digits = match?.component(CX_ID).replace(/\D/g, '');
  return digits || undefined;
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
      mobilePhone ??= repetition.component(1) || undefined;
    } else {
      phone ??= repetition.component(1) || undefined;
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
  return { ...optional, sex: readSex(pid.get(8)), identifiers: readIdentifiers(identifiers) };
}
