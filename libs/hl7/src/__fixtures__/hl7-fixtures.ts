/**
 * Realistic Belgian test messages, written field by field (keys are HL7 field numbers) so nobody
 * has to count pipes. Values are raw HL7 text: escapes are written as they travel on the wire.
 */

export type RawFields = { readonly [field: number]: string | undefined };

/** One raw segment; for MSH, keys start at 3 (MSH-1/2 are written from the delimiters). */
export function seg(
  name: string,
  fields: RawFields = {},
  delimiters = { field: '|', encoding: '^~\\&' },
): string {
  const isHeader = name === 'MSH' || name === 'FHS' || name === 'BHS';
  const first = isHeader ? 3 : 1;
  const numbers = Object.keys(fields).map(Number);
  const last = numbers.length === 0 ? first - 1 : Math.max(...numbers);
  const values: string[] = [];
  for (let index = first; index <= last; index++) values.push(fields[index] ?? '');
  const head = isHeader ? [name, delimiters.encoding] : [name];
  return [...head, ...values].join(delimiters.field);
}

export function hl7(segments: readonly string[], terminator = '\r'): string {
  return segments.join(terminator) + terminator;
}

export interface MshOptions {
  readonly type: string;
  readonly controlId: string;
  readonly version?: string;
  readonly charset?: string;
  readonly sendingApplication?: string;
  readonly sendingFacility?: string;
}

export function msh(options: MshOptions): string {
  return seg('MSH', {
    3: options.sendingApplication ?? 'HIS',
    4: options.sendingFacility ?? 'AZSTJAN',
    5: 'CAREFLOW',
    6: 'BRIDGE',
    7: '20240315103000+0100',
    9: options.type,
    10: options.controlId,
    11: 'P',
    12: options.version ?? '2.3',
    ...(options.charset ? { 18: options.charset } : {}),
  });
}

/** Françoise: three identifiers from three authorities, the MR of ours not first in PID-3. */
export const PID_FRANCOISE = seg('PID', {
  1: '1',
  2: 'OLD999',
  3: '999111^^^OTHERHOSP^MR~83.12.25-151.53^^^BE-RRN^NN~000123456^^^AZSTJAN&1.2.3.4&ISO^MR',
  5: 'Dubois^Fran^^^^^N~Dubois-Lemaître^Françoise^Marie^^Mevr.^^L',
  6: 'Lemaître^Anne',
  7: '19831225083000+0100',
  8: 'f',
  11: "Rue de l'Église 12&Rue de l'Église&12^Bus 3^Liège^Luik^4000^BE^H~Other street 1^^Namur^^5000^BE",
  13: '^^^^^^^^^^^^~+3242221111^PRN^PH~^NET^Internet^francoise.dubois@example.be~+32475123456^PRN^CP',
  14: '+3222222222^WPN^PH',
  15: 'FR',
  18: 'ACC555',
});

/** Jan: a Dutch compound surname with FN subcomponents, month-precision birth date. */
export const PID_JAN = seg('PID', {
  1: '2',
  3: '0042^^^AZSTJAN^MR',
  5: 'Van den Broeck&Van den&Broeck^Jan^^^^^L',
  7: '198507',
  8: 'M',
  13: 'jan.vdb@example.be^NET',
});

/** Seán: only a year of birth, a PI and an MR, escaped apostrophe-free name with \X escape. */
export const PID_SEAN = seg('PID', {
  1: '3',
  3: '77777^^^AZSTJAN^PI~55555^^^AZSTJAN^MR',
  5: "O'Brien^Se\\XC3A1\\n",
  7: '1990',
  8: 'U',
});

export const ADR_A19_THREE_PIDS = hl7([
  msh({ type: 'ADR^A19', controlId: 'RPL0001', charset: 'UNICODE UTF-8' }),
  seg('MSA', { 1: 'AA', 2: 'QRY0001' }),
  seg('QRD', {
    1: '20240315102959',
    2: 'R',
    3: 'I',
    4: 'QRY0001',
    7: '10^RD',
    8: '0042^^^^^^^^AZSTJAN^^^^MR',
    9: 'DEM',
  }),
  seg('EVN', { 1: 'A19', 2: '20240315103000' }),
  PID_FRANCOISE,
  seg('PD1', { 4: 'GP001^Huisarts^Hilde' }),
  seg('NK1', { 1: '1', 2: 'Dubois^Jean', 3: 'SPO', 5: '+3249999999' }),
  seg('PV1', { 1: '1', 2: 'O', 3: 'CARDIO^101^1', 5: 'PREADM7', 7: 'DOC1^Peeters^Jan', 19: 'V2024-0001' }),
  PID_JAN,
  seg('PV1', { 1: '1', 2: 'I', 19: 'V2024-0002' }),
  seg('GT1', { 1: '1', 3: 'Guarantor^Gustaaf' }),
  seg('IN1', { 1: '1', 16: 'Insured^Ingrid' }),
  seg('ZPI', { 1: 'custom^stuff' }),
  PID_SEAN,
  seg('OBX', { 1: '1', 2: 'ST', 5: 'not demographics' }),
]);

export const ADR_A19_ONE_PID = hl7([
  msh({ type: 'ADR^A19', controlId: 'RPL0002' }),
  seg('MSA', { 1: 'AA', 2: 'QRY0002' }),
  seg('QAK', { 1: 'QRY0002', 2: 'OK' }),
  PID_JAN,
  seg('PV1', { 1: '1', 2: 'O', 19: 'V2024-0002' }),
]);

export const ADR_A19_NO_PID = hl7([
  msh({ type: 'ADR^A19', controlId: 'RPL0003' }),
  seg('MSA', { 1: 'AA', 2: 'QRY0003' }),
  seg('QRD', { 1: '20240315102959', 2: 'R', 3: 'I', 4: 'QRY0003' }),
]);

export const RSP_K22_FOUND = hl7(
  [
    msh({ type: 'RSP^K22^RSP_K21', controlId: 'RSP0001', version: '2.5' }),
    seg('MSA', { 1: 'AA', 2: 'QBP0001' }),
    seg('QAK', { 1: 'QBP0001', 2: 'OK', 3: 'IHE PDQ Query', 4: '1', 5: '1', 6: '0' }),
    seg('QPD', { 1: 'IHE PDQ Query', 2: 'QBP0001', 3: '@PID.3.1^0042~@PID.3.5^MR' }),
    PID_JAN,
    seg('PD1'),
    seg('QRI', { 1: '100' }),
  ],
  '\n',
);

export function notFoundReply(ackCode: string, controlId = 'QBP0002'): string {
  return hl7([
    msh({ type: 'RSP^K22', controlId: 'RSP0002', version: '2.5' }),
    seg('MSA', { 1: ackCode, 2: controlId, 3: 'No records found' }),
    seg('QAK', { 1: controlId, 2: 'NF' }),
    seg('QPD', { 1: 'IHE PDQ Query', 2: controlId }),
  ]);
}

/** AE with a v2.5 ERR (ERR-3, ERR-8) and a v2.3 ERR (ERR-1 ELD). */
export const AE_WITH_ERR = hl7([
  msh({ type: 'ADR^A19', controlId: 'RPL0009' }),
  seg('MSA', { 1: 'AE', 2: 'QRY0009', 3: 'No records found' }),
  seg('QAK', { 1: 'QRY0009', 2: 'AE' }),
  seg('ERR', { 3: '207^Application internal error^HL70357', 4: 'E', 8: 'Patient index offline' }),
  seg('ERR', { 1: 'QRD^1^8^204&Unknown key identifier&HL70357' }),
  PID_JAN,
]);

export const BARE_ACK_AA = hl7([
  msh({ type: 'ACK', controlId: 'ACK0001' }),
  seg('MSA', { 1: 'AA', 2: 'QRY0010' }),
]);

export const BARE_ACK_AR = hl7([
  msh({ type: 'ACK^A19', controlId: 'ACK0002' }),
  seg('MSA', { 1: 'AR', 2: 'QRY0011', 3: 'Message type not supported' }),
]);

export interface SiuOptions {
  readonly event: string;
  readonly controlId: string;
  readonly pid?: string;
  readonly sch?: RawFields;
  readonly tq1?: RawFields | null;
  readonly ais?: RawFields;
  readonly extra?: readonly string[];
  readonly charset?: string;
}

/** An SIU with the usual groups; any part can be replaced or removed per test. */
export function siu(options: SiuOptions): string {
  const segments = [
    msh({
      type: `SIU^${options.event}^SIU_S12`,
      controlId: options.controlId,
      version: '2.5',
      sendingApplication: 'AGENDA',
      charset: options.charset,
    }),
    seg(
      'SCH',
      options.sch ?? {
        1: 'PLC100^AGENDA',
        2: 'FIL200^AGENDA',
        7: 'FOLLOWUP^Follow-up^HL70276',
        8: 'NORMAL^Normal^HL70277',
        11: '^^^20240415091500+0200^20240415100000+0200',
        25: 'Booked^Booked^HL70278',
      },
    ),
    ...(options.tq1 === null
      ? []
      : [seg('TQ1', options.tq1 ?? { 1: '1', 7: '20240415093000+0200', 8: '20240415100000+0200' })]),
    options.pid ??
      seg('PID', {
        1: '1',
        3: '000123456^^^AZSTJAN^MR',
        5: 'Dubois-Lemaître^Françoise^^^^^L',
        7: '19831225',
        8: 'F',
      }),
    seg('PV1', { 1: '1', 2: 'O', 3: 'ORTHO^12^A', 7: 'PV1DOC^Peeters^Jan', 19: 'V2024-0042' }),
    seg('RGS', { 1: '1' }),
    seg('AIS', options.ais ?? { 1: '1', 3: 'KNEE^Knee replacement consult^L', 4: '20240415094500+0200' }),
    seg('AIG', { 1: '1', 3: 'AIGDOC^Janssens^Els' }),
    seg('AIL', { 1: '1', 3: 'ORTHO-POLI^Room 3^^AZSTJAN' }),
    seg('AIP', { 1: '1', 3: 'DR123^Peeters^Jan^^^Dr.' }),
    ...(options.extra ?? []),
  ];
  return hl7(segments);
}

/** An FHS/BHS batch holding the given messages. */
export function batch(messages: readonly string[], terminator = '\r'): string {
  const body = messages
    .map((message) => message.replace(/\r$/, '').split('\r').join(terminator))
    .join(terminator);
  return (
    [
      seg('FHS', { 3: 'AGENDA', 4: 'AZSTJAN', 7: '20240401060000' }),
      seg('BHS', { 3: 'AGENDA', 4: 'AZSTJAN' }),
      body,
      seg('BTS', { 1: String(messages.length) }),
      seg('FTS', { 1: '1' }),
    ].join(terminator) + terminator
  );
}
