import {
  encodeMessage,
  encodeSegment,
  formatHl7Timestamp,
  msh18ForCharset,
  type Hl7Charset,
  type Hl7ComponentValue,
  type Hl7Message,
  type Hl7RepetitionValue,
} from '@bridge/hl7';
import {
  SIM_AUTHORITIES,
  SIM_VISIT_AUTHORITY,
  type SimAuthorityKey,
  type SimName,
  type SimPatient,
} from './dataset';
import type { SimQuery } from './hl7-query.reader';
import { SIM_ERROR_CODE_TEXT } from './sim-faults';

/** MSH-3 / MSH-4 of every reply: the simulated hospital's HIS. */
export const SIM_APPLICATION = 'HOSPITAL-SIM';
export const SIM_FACILITY = 'AZDEMO';

export type SimReplyOutcome =
  | { readonly kind: 'found'; readonly patients: readonly SimPatient[] }
  | { readonly kind: 'error'; readonly text: string };

export interface SimReplyOptions {
  /** MSH-10 of the reply. */
  readonly controlId: string;
  /** MSA-2: the query's MSH-10, or something else for SIM-MISMATCH. */
  readonly acknowledges: string;
  readonly at: Date;
  /** Declared in MSH-18 when set (the caller encodes the text with it). */
  readonly charset?: Hl7Charset;
}

const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  nl: 'Nederlands',
  fr: 'Français',
  de: 'Deutsch',
  en: 'English',
};

function authorityHd(key: SimAuthorityKey): string[] {
  const authority = SIM_AUTHORITIES[key];
  return [authority.namespace, authority.oid, 'ISO'];
}

function hdOf(message: Hl7Message, field: number): Hl7ComponentValue[] {
  const first = message.header.field(field)[0];
  return first ? [first.component(1), first.component(2), first.component(3)] : [];
}

function xpn(name: SimName): Hl7RepetitionValue {
  const family = name.familyPrefix ? [name.family, name.familyPrefix, name.familyOwn ?? ''] : name.family;
  return [family, name.given, name.middle ?? '', '', name.prefix ?? '', '', name.type];
}

function telecom(patient: SimPatient): Hl7RepetitionValue[] {
  const repetitions: Hl7RepetitionValue[] = [];
  if (patient.hl7?.emptyPhoneFirst) repetitions.push(['', 'PRN', 'PH']);
  if (patient.phone) repetitions.push([patient.phone, 'PRN', 'PH']);
  if (patient.mobilePhone) repetitions.push([patient.mobilePhone, 'PRN', 'CP']);
  if (patient.email) {
    repetitions.push(
      patient.hl7?.emailInXtn1 ? [patient.email, 'NET', 'Internet'] : ['', 'NET', 'Internet', patient.email],
    );
  }
  return repetitions;
}

/** PID of one record. PID-18 (account) and, in PV1, PV1-5 (pre-admit) differ from the visit on purpose. */
/** The PID segment of a dataset patient, as every HL7 message of the simulator writes it. */
export function pid(patient: SimPatient, setId: number): string {
  const address = patient.address;
  return encodeSegment('PID', {
    1: String(setId),
    3: {
      repetitions: patient.identifiers.map((id) => [id.value, '', '', authorityHd(id.authority), id.type]),
    },
    5: { repetitions: patient.names.map(xpn) },
    7: patient.birthDateHl7,
    8: patient.sex,
    11: address
      ? [address.street, '', address.city, address.state ?? '', address.zip, address.country, 'H']
      : undefined,
    13: { repetitions: telecom(patient) },
    14: patient.hl7?.businessPhone ? [patient.hl7.businessPhone, 'WPN', 'PH'] : undefined,
    15: patient.preferredLanguage
      ? [patient.preferredLanguage, LANGUAGE_NAMES[patient.preferredLanguage] ?? '', 'ISO639']
      : undefined,
    18: patient.visitNumber ? `ACC${patient.visitNumber}` : undefined,
  });
}

export function pv1(patient: SimPatient): string | undefined {
  if (!patient.visitNumber) return undefined;
  return encodeSegment('PV1', {
    1: '1',
    2: 'O',
    5: `PRE${patient.visitNumber}`,
    19: [patient.visitNumber, '', '', authorityHd(SIM_VISIT_AUTHORITY), 'VN'],
  });
}

function nk1(patient: SimPatient): string | undefined {
  const kin = patient.hl7?.nextOfKin;
  if (!kin) return undefined;
  return encodeSegment('NK1', {
    1: '1',
    2: [kin.family, kin.given, '', '', '', '', 'L'],
    3: kin.relationship,
  });
}

function errSegment(query: SimQuery, text: string): string {
  const code = ['207', SIM_ERROR_CODE_TEXT, 'HL70357'];
  if (query.style === 'QRY_A19') {
    // v2.3: ERR-1 is an ELD (segment, sequence, field, code as a CE in subcomponents).
    return encodeSegment('ERR', { 1: ['QRD', '1', '8', code] });
  }
  return encodeSegment('ERR', { 2: ['QPD', '1', '3'], 3: code, 4: 'E', 8: text });
}

/**
 * ADR^A19 (MSH, MSA, [ERR], QAK, QRD/QRF echo, then PID [NK1] PV1 per match) or RSP^K22 (MSH, MSA,
 * [ERR], QAK, QPD echo, then PID [NK1] PV1 per match). Every value goes through the lib's writer,
 * so `|`, `^`, `&`, `~` and `\` in the data are escaped.
 */
export function buildSimReply(
  message: Hl7Message,
  query: SimQuery,
  outcome: SimReplyOutcome,
  options: SimReplyOptions,
): string {
  const a19 = query.style === 'QRY_A19';
  const found = outcome.kind === 'found' ? outcome.patients.slice(0, query.limit) : [];
  const segments = [
    encodeSegment('MSH', {
      3: SIM_APPLICATION,
      4: SIM_FACILITY,
      5: hdOf(message, 3),
      6: hdOf(message, 4),
      7: formatHl7Timestamp(options.at),
      9: a19 ? ['ADR', 'A19', 'ADR_A19'] : ['RSP', 'K22', 'RSP_K21'],
      10: options.controlId,
      11: message.header.get(11) || 'P',
      12: message.version || (a19 ? '2.3' : '2.5'),
      18: options.charset ? msh18ForCharset(options.charset) : undefined,
    }),
  ];
  if (outcome.kind === 'error') {
    segments.push(encodeSegment('MSA', { 1: 'AE', 2: options.acknowledges, 3: outcome.text }));
    segments.push(errSegment(query, outcome.text));
  } else {
    segments.push(encodeSegment('MSA', { 1: 'AA', 2: options.acknowledges }));
  }
  const status = outcome.kind === 'error' ? 'AE' : found.length > 0 ? 'OK' : 'NF';
  const total = outcome.kind === 'found' ? outcome.patients.length : 0;
  segments.push(
    a19
      ? encodeSegment('QAK', { 1: query.queryTag, 2: status })
      : encodeSegment('QAK', {
          1: query.queryTag,
          2: status,
          3: query.queryName,
          4: String(total),
          5: String(found.length),
          6: String(total - found.length),
        }),
  );
  segments.push(...query.echo);
  found.forEach((patient, index) => {
    segments.push(pid(patient, index + 1));
    const kin = nk1(patient);
    if (kin) segments.push(kin);
    const visit = pv1(patient);
    if (visit) segments.push(visit);
  });
  return encodeMessage(segments);
}
