/**
 * The simulated hospital's patients: the single source of truth for the MLLP responder (PID/PV1)
 * and the web service (pdq entries, FHIR Patient resources). Tests of the importers assert against
 * these values, so change a row only together with the README's table.
 *
 * Data is fictitious; national numbers are valid-looking Belgian INSZ/NISS (check digits correct,
 * even sequence for women, odd for men) so validators on the importer side accept them.
 */

/** Who issued an identifier: HL7 CX.4 (namespace, OID) and the URI the web service uses as `system`. */
export interface SimAuthority {
  readonly namespace: string;
  readonly oid: string;
  readonly system: string;
}

export const SIM_AUTHORITIES = {
  /** The simulated hospital (AZ Demo): current patient numbers and visit numbers. */
  AZDEMO: { namespace: 'AZDEMO', oid: '1.3.6.1.4.1.99999.1', system: 'https://azdemo.example.be/id/patient' },
  /** The hospital AZ Demo merged with (Heilig-Hart Sint-Jan): old patient numbers, kept in PID-3. */
  HHSJ: { namespace: 'HHSJ', oid: '1.3.6.1.4.1.99999.2', system: 'https://hhsj.example.be/id/patient' },
  /** The Belgian national register (INSZ/NISS); the system is eHealth's SSIN naming system. */
  RRN: {
    namespace: 'RRN',
    oid: '2.16.56.1.2.3',
    system: 'https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin',
  },
} as const satisfies Record<string, SimAuthority>;

export type SimAuthorityKey = keyof typeof SIM_AUTHORITIES;

/** Visit numbers (PV1-19) are issued by AZDEMO; on the web service they have their own system. */
export const SIM_VISIT_AUTHORITY: SimAuthorityKey = 'AZDEMO';
export const SIM_VISIT_SYSTEM = 'https://azdemo.example.be/id/visit';

export interface SimIdentifier {
  readonly value: string;
  /** HL7 table 0203: MR (medical record number) or NN (national person identifier). */
  readonly type: 'MR' | 'NN';
  readonly authority: SimAuthorityKey;
}

export interface SimName {
  /** The full surname (FN.1); for `Van den Broeck` the prefix and own surname follow. */
  readonly family: string;
  readonly familyPrefix?: string;
  readonly familyOwn?: string;
  readonly given: string;
  readonly middle?: string;
  /** XPN.5 (Mme, Dr...), dropped by the readers. */
  readonly prefix?: string;
  /** XPN.7: L legal, M maiden. */
  readonly type: 'L' | 'M';
}

export interface SimAddress {
  readonly street: string;
  readonly city: string;
  readonly zip: string;
  readonly state?: string;
  readonly country: string;
}

export interface SimPatient {
  /** Sim-internal id (FHIR Patient.id); two records may share a patient code, never this. */
  readonly id: string;
  /** The AZDEMO medical record number: what the importer must read as `patientCode`. */
  readonly patientCode: string;
  /** PID-3 in the order written (deliberately not always MR first: rule 10 is never by position). */
  readonly identifiers: readonly SimIdentifier[];
  /** PID-5 in the order written; the `L` one is the name to read (rule 13). */
  readonly names: readonly SimName[];
  /** What the importer must read: `YYYY-MM-DD`, or `YYYY-MM` / `YYYY` when the hospital knows less. */
  readonly birthDate?: string;
  /** PID-7 exactly as the HL7 responder writes it (time and UTC offset included, to be dropped). */
  readonly birthDateHl7?: string;
  /** PID-8. */
  readonly sex: 'M' | 'F' | 'O' | 'U';
  readonly phone?: string;
  readonly mobilePhone?: string;
  readonly email?: string;
  /** lowercase ISO 639-1 (PID-15.1, pdq `preferred_language`, FHIR communication). */
  readonly preferredLanguage?: 'nl' | 'fr' | 'de' | 'en';
  readonly address?: SimAddress;
  /** PV1-19 (and a FHIR identifier with SIM_VISIT_SYSTEM). */
  readonly visitNumber?: string;
  /** HL7-only quirks that exercise the reading rules without changing what must be read. */
  readonly hl7?: {
    /** Write the e-mail v2.3-style in XTN.1 instead of XTN.4 (rule 17). */
    readonly emailInXtn1?: boolean;
    /** Start PID-13 with a repetition that has no number (rule 16: it never hides the real one). */
    readonly emptyPhoneFirst?: boolean;
    /** PID-14 business phone, which the readers must ignore (rule 16). */
    readonly businessPhone?: string;
    /** An NK1 after the PID: a name the readers must never take for the patient's (rule 13). */
    readonly nextOfKin?: { readonly family: string; readonly given: string; readonly relationship: string };
  };
}

const az = (value: string): SimIdentifier => ({ value, type: 'MR', authority: 'AZDEMO' });
const old = (value: string): SimIdentifier => ({ value, type: 'MR', authority: 'HHSJ' });
const nn = (value: string): SimIdentifier => ({ value, type: 'NN', authority: 'RRN' });

/** Notable identifiers, named so tests read as intent (`SIM_IDS.sharedVisit`), not as magic numbers. */
export const SIM_IDS = {
  /** Françoise Dubois-Lemaître: accents, maiden name first in PID-5, `|` in her street. */
  francoise: '100234',
  francoiseVisit: '2400012301',
  /** Jürgen Van den Broeck: FN with prefix, partial birth date 1985-07, `&` in his street. */
  jurgen: '100235',
  jurgenVisit: '2400012302',
  /** Lucas Peeters: leading zeros, birth year only (1990), `^` in his street, mobile only. */
  lucas: '000777',
  /** A visit number shared by a mother and her newborn: two candidates. */
  sharedVisit: '2400077700',
  /** A patient code held by two records (a duplicate registration): two candidates. */
  duplicateCode: '020461',
  /** Mohamed El Amrani's AZDEMO code, which is also Anne-Marie's old HHSJ number. */
  collidingCode: '100410',
  /** Elise Lenteur: a real patient whose answers take `slowMs` (see SIM_FAULTS.slow). */
  slow: 'SIM-SLOW',
} as const;

export const SIM_DATASET: readonly SimPatient[] = [
  {
    id: 'p01',
    patientCode: '100234',
    identifiers: [nn('83.12.25-152.52'), old('H-55012'), az('100234')],
    names: [
      { family: 'Lemaître', given: 'Françoise', type: 'M' },
      { family: 'Dubois-Lemaître', given: 'Françoise', prefix: 'Mme', type: 'L' },
    ],
    birthDate: '1983-12-25',
    birthDateHl7: '19831225',
    sex: 'F',
    phone: '+32 2 555 01 23',
    mobilePhone: '+32 475 12 34 56',
    email: 'francoise.dubois@example.be',
    preferredLanguage: 'fr',
    address: { street: "Rue de l'Église 12 | bte 3", city: 'Bruxelles', zip: '1000', country: 'BE' },
    visitNumber: '2400012301',
  },
  {
    id: 'p02',
    patientCode: '100235',
    identifiers: [az('100235'), nn('85.07.00-123.62')],
    names: [
      {
        family: 'Van den Broeck',
        familyPrefix: 'Van den',
        familyOwn: 'Broeck',
        given: 'Jürgen',
        middle: 'Maria',
        type: 'L',
      },
    ],
    birthDate: '1985-07',
    birthDateHl7: '198507',
    sex: 'M',
    mobilePhone: '+32 496 98 76 54',
    email: 'jurgen.vandenbroeck@example.be',
    preferredLanguage: 'de',
    address: { street: 'Aachener Straße 7 & 9', city: 'Eupen', zip: '4700', state: 'Liège', country: 'BE' },
    visitNumber: '2400012302',
  },
  {
    id: 'p03',
    patientCode: '000777',
    identifiers: [az('000777')],
    names: [{ family: 'Peeters', given: 'Lucas', type: 'L' }],
    birthDate: '1990',
    birthDateHl7: '1990',
    sex: 'M',
    mobilePhone: '+32 470 11 22 33',
    preferredLanguage: 'nl',
    address: {
      street: 'Meir 44 ^ app. 3.1',
      city: 'Antwerpen',
      zip: '2000',
      state: 'Antwerpen',
      country: 'BE',
    },
    visitNumber: '2400012303',
  },
  {
    id: 'p04',
    patientCode: '100300',
    identifiers: [az('100300'), nn('92.02.29-084.22')],
    names: [{ family: 'Janssens', given: 'Sofie', type: 'L' }],
    birthDate: '1992-02-29',
    birthDateHl7: '199202290815',
    sex: 'F',
    phone: '+32 9 223 45 67',
    email: 'sofie.janssens@example.be',
    preferredLanguage: 'nl',
    address: { street: 'Veldstraat 101', city: 'Gent', zip: '9000', state: 'Oost-Vlaanderen', country: 'BE' },
    visitNumber: '2400077700',
    hl7: { emailInXtn1: true },
  },
  {
    id: 'p05',
    patientCode: '100301',
    identifiers: [az('100301')],
    names: [{ family: 'Janssens', given: 'Noor', type: 'L' }],
    birthDate: '2024-11-03',
    birthDateHl7: '202411030342+0100',
    sex: 'F',
    preferredLanguage: 'nl',
    address: { street: 'Veldstraat 101', city: 'Gent', zip: '9000', state: 'Oost-Vlaanderen', country: 'BE' },
    visitNumber: '2400077700',
    hl7: { nextOfKin: { family: 'Janssens', given: 'Sofie', relationship: 'MTH' } },
  },
  {
    id: 'p06',
    patientCode: '020461',
    identifiers: [az('020461'), nn('61.03.14-228.72')],
    names: [{ family: 'Claes', given: 'Marie', type: 'L' }],
    birthDate: '1961-03-14',
    birthDateHl7: '19610314',
    sex: 'F',
    phone: '+32 11 22 33 44',
    preferredLanguage: 'nl',
    address: { street: 'Kapelstraat 3', city: 'Hasselt', zip: '3500', state: 'Limburg', country: 'BE' },
    visitNumber: '2400012306',
  },
  {
    id: 'p07',
    patientCode: '020461',
    identifiers: [az('020461')],
    names: [{ family: 'Claes', given: 'Marie-Thérèse', type: 'L' }],
    birthDate: '1961',
    birthDateHl7: '1961',
    sex: 'F',
    preferredLanguage: 'nl',
    address: { street: 'Kapelstraat 3', city: 'Hasselt', zip: '3500', state: 'Limburg', country: 'BE' },
    visitNumber: '2400012307',
  },
  {
    id: 'p08',
    patientCode: '100410',
    identifiers: [az('100410'), nn('75.03.04-377.32')],
    names: [{ family: 'El Amrani', given: 'Mohamed', type: 'L' }],
    birthDate: '1975-03-04',
    birthDateHl7: '19750304143000+0100',
    sex: 'M',
    phone: '+32 4 222 33 44',
    mobilePhone: '+32 485 55 66 77',
    email: 'm.elamrani@example.be',
    preferredLanguage: 'fr',
    address: {
      street: 'Rue Saint-Gilles 54 \\ 2e étage',
      city: 'Liège',
      zip: '4000',
      state: 'Liège',
      country: 'BE',
    },
    visitNumber: '2400012308',
  },
  {
    id: 'p09',
    patientCode: '100512',
    identifiers: [old('100410'), az('100512'), nn('48.09.30-046.28')],
    names: [{ family: "Verstraete-D'Hondt", given: 'Anne-Marie', type: 'L' }],
    birthDate: '1948-09-30',
    birthDateHl7: '19480930',
    sex: 'F',
    phone: '+32 50 33 44 55',
    preferredLanguage: 'nl',
    address: {
      street: 'Steenstraat 2~4',
      city: 'Brugge',
      zip: '8000',
      state: 'West-Vlaanderen',
      country: 'BE',
    },
    visitNumber: '2400012309',
  },
  {
    id: 'p10',
    patientCode: '100620',
    identifiers: [az('100620'), nn('01.06.15-231.90')],
    names: [{ family: 'De Smet', given: 'Pieter', type: 'L' }],
    birthDate: '2001-06-15',
    birthDateHl7: '20010615',
    sex: 'M',
    phone: '+32 16 55 55 55',
    mobilePhone: '+32 478 00 11 22',
    preferredLanguage: 'nl',
    address: {
      street: 'Naamsestraat 22',
      city: 'Leuven',
      zip: '3000',
      state: 'Vlaams-Brabant',
      country: 'BE',
    },
    visitNumber: '2400012310',
    hl7: { emptyPhoneFirst: true, businessPhone: '+32 16 99 99 99' },
  },
  {
    id: 'p11',
    patientCode: '100733',
    identifiers: [az('100733'), nn('10.01.01-102.17')],
    names: [{ family: 'Lambert', given: 'Camille', type: 'L' }],
    birthDate: '2010-01-01',
    birthDateHl7: '20100101',
    sex: 'U',
    email: 'camille.lambert@example.be',
    preferredLanguage: 'fr',
    address: { street: 'Rue de Fer 1', city: 'Namur', zip: '5000', state: 'Namur', country: 'BE' },
    visitNumber: '2400012311',
  },
  {
    id: 'p12',
    patientCode: 'SIM-SLOW',
    identifiers: [az('SIM-SLOW'), nn('88.05.12-270.89')],
    names: [{ family: 'Lenteur', given: 'Elise', type: 'L' }],
    birthDate: '1988-05-12',
    birthDateHl7: '19880512',
    sex: 'F',
    mobilePhone: '+32 499 88 77 66',
    preferredLanguage: 'fr',
    address: { street: 'Rue Lente 8', city: 'Mons', zip: '7000', state: 'Hainaut', country: 'BE' },
    visitNumber: 'SIM-SLOW',
  },
];

/** The legal name (XPN.7 = L), else the first. */
export function legalName(patient: SimPatient): SimName {
  return patient.names.find((name) => name.type === 'L') ?? patient.names[0];
}

/** The national number as the product stores it: digits only (rule 11). */
export function nationalRegistryNumberOf(patient: SimPatient): string | undefined {
  return patient.identifiers.find((identifier) => identifier.type === 'NN')?.value.replace(/\D/g, '');
}

const SEX_NAMES = { M: 'male', F: 'female', O: 'other', U: 'unknown' } as const;

/** PID-8 as the product's `sex` (rule 15). */
export function sexOf(patient: SimPatient): 'male' | 'female' | 'other' | 'unknown' {
  return SEX_NAMES[patient.sex];
}

/**
 * The candidate an importer must produce for this record (PRODUCT.md Candidate, without
 * `existingPatientId`). Absent values are left out, so a test can use
 * `expect(candidate).toEqual(expect.objectContaining(expectedCandidate(p)))`. A pdq entry has no
 * middle name and no visit number field, so `via: 'pdq'` leaves those two out.
 */
export function expectedCandidate(
  patient: SimPatient,
  options: { via?: 'hl7' | 'pdq' | 'fhir' } = {},
): Record<string, unknown> {
  const name = legalName(patient);
  const pdq = options.via === 'pdq';
  const candidate: Record<string, unknown> = {
    patientCode: patient.patientCode,
    visitNumber: pdq ? undefined : patient.visitNumber,
    firstName: name.given,
    lastName: name.family,
    middleName: pdq ? undefined : name.middle,
    birthDate: patient.birthDate,
    sex: sexOf(patient),
    email: patient.email,
    phone: patient.phone,
    mobilePhone: patient.mobilePhone,
    nationalRegistryNumber: nationalRegistryNumberOf(patient),
    preferredLanguage: patient.preferredLanguage,
    address: patient.address,
  };
  for (const key of Object.keys(candidate)) if (candidate[key] === undefined) delete candidate[key];
  return candidate;
}

/** The records for one patient code (AZDEMO MR), in dataset order. */
export function simPatientsByCode(patientCode: string): SimPatient[] {
  return SIM_DATASET.filter((patient) => patient.patientCode === patientCode);
}

/** The records for one visit number, in dataset order. */
export function simPatientsByVisit(visitNumber: string): SimPatient[] {
  return SIM_DATASET.filter((patient) => patient.visitNumber === visitNumber);
}
