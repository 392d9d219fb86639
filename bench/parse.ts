// P4 (QUALITY.md): HL7 parse + extract throughput on one core, against simple-hl7's own parser and
// a naive split on the delimiters, measured in the same run. Prints one closing line.
import { parseHl7, readQueryReply, readSiuMessage, type Hl7Charset, type SiuSettings } from '@bridge/hl7';
import { median } from './support/quantiles';

interface CorpusMessage {
  /** What a socket or a file hands us. */
  readonly bytes: Buffer;
  /** The same message already decoded, for the baselines (which cannot decode bytes themselves). */
  readonly text: string;
  readonly kind: 'reply' | 'siu';
  readonly controlId: string;
  readonly charset: Hl7Charset;
}

interface SimpleHl7Parser {
  parse(text: string): unknown;
}
type SimpleHl7ParserClass = new (options: { segmentSeperator: string }) => SimpleHl7Parser;

const CORPUS_SIZE = 1000;
const WARMUP_ROUNDS = 5;
const ROUNDS = 30;
const SIU_SETTINGS: SiuSettings = {
  physicianField: 'AIP-3.1',
  careFlowMap: [
    { field: 'AIS-3.1', value: 'HIP', careFlowDefinitionKey: 'hip-replacement' },
    { field: 'AIS-3.1', value: 'KNEE', careFlowDefinitionKey: 'knee-replacement' },
  ],
  patientIdAuthority: 'AZSTJAN',
};

const FIRST_NAMES = ['Françoise', 'Jan', 'Seán', 'Marie-Thérèse', 'Lotte', 'Noé'];
const LAST_NAMES = [
  'Dubois-Lemaître',
  'Van den Broeck&Van den&Broeck',
  'Peeters',
  "O'Brien",
  'Janssens',
  'Müller',
];

function msh(type: string, controlId: string, version: string, charset?: string): string {
  return `MSH|^~\\&|HIS|AZSTJAN|CAREFLOW|BRIDGE|20240315103000+0100||${type}|${controlId}|P|${version}|||||BE|${charset ?? ''}`;
}

function pid(i: number, latin1: boolean): string {
  const first = FIRST_NAMES[i % FIRST_NAMES.length];
  const last = LAST_NAMES[i % LAST_NAMES.length];
  // Some names carry hex escapes in the message charset, some the plain characters.
  const escapedFirst = i % 3 === 0 ? (latin1 ? 'Fran\\XE7\\oise' : 'Fran\\XC3A7\\oise') : first;
  const code = String(100000 + i).padStart(9, '0');
  return (
    `PID|1||${900000 + i}^^^OTHERHOSP^MR~83.12.25-${String(i % 1000).padStart(3, '0')}.53^^^BE-RRN^NN~${code}^^^AZSTJAN&1.2.3.4&ISO^MR||` +
    `${last}^${escapedFirst}^^^^^L~Alias^Al^^^^^A||1983122508${String(i % 60).padStart(2, '0')}|${i % 2 ? 'M' : 'F'}|||` +
    `Rue de l'${latin1 ? '\\XC9\\' : '\\XC389\\'}glise ${i}&Rue de l'Eglise&${i}^Bus 3^Liège^^4000^BE^H||` +
    `+3242221111^PRN^PH~^NET^Internet^p${i}@example.be~+32475123456^PRN^CP|||FR||ACC${i}`
  );
}

function reply(i: number): { text: string; controlId: string } {
  const controlId = `Q${i}`;
  const pids = i % 7 === 0 ? 0 : (i % 3) + 1;
  const segments = [msh(i % 2 ? 'ADR^A19' : 'RSP^K22^RSP_K21', `R${i}`, i % 2 ? '2.3' : '2.5')];
  if (i % 11 === 0) {
    segments.push(`MSA|AE|${controlId}|No records found`, `ERR|^^^204&Unknown key identifier&HL70357`);
  } else if (i % 13 === 0) {
    segments.push(`MSA|AA|${controlId}`, `QAK|${controlId}|NF`);
  } else {
    segments.push(
      `MSA|AA|${controlId}`,
      `QAK|${controlId}|OK`,
      `QRD|20240315|R|I|${controlId}|||10^RD|${i}^^^^^^^^AZSTJAN^^^^MR|DEM`,
    );
    for (let p = 0; p < pids; p++) {
      segments.push(
        pid(i + p, false),
        'PD1|||||GP^Huisarts',
        'NK1|1|Dubois^Jean|SPO',
        `PV1|1|O|CARDIO^101^1||PRE${i}|||||||||||||V${i}-${p}`,
      );
    }
  }
  // Replies alternate \r and \n terminators, as hospitals do.
  return { text: segments.join(i % 4 === 0 ? '\n' : '\r') + '\r', controlId };
}

function siu(i: number, latin1: boolean): string {
  const event = ['S12', 'S14', 'S15'][i % 3];
  const segments = [
    msh(`SIU^${event}^SIU_S12`, `SIU${i}`, '2.5', latin1 ? '8859/1' : 'UNICODE UTF-8'),
    `SCH|PLC${i}^AGENDA|FIL${i}^AGENDA|||||FOLLOWUP^Follow-up \\T\\ check^HL70276|NORMAL|||^^^20240415091500+0200||||||||||||||Booked`,
    `TQ1|1||||||20240415093000+0200|20240415100000+0200`,
    pid(i, latin1),
    `PV1|1|O|ORTHO^12^A||||PV1DOC^Peeters^Jan||||||||||||V${i}`,
    'RGS|1',
    `AIS|1||${i % 2 ? 'KNEE' : 'HIP'}^Knee \\S\\ hip consult^L|20240415094500+0200`,
    'AIG|1||AIGDOC^Janssens^Els',
    'AIL|1||ORTHO-POLI^Room 3^^AZSTJAN',
    'AIP|1||DR123^Peeters^Jan^^^Dr.',
    'NTE|1||Patient \\H\\fasting\\N\\\\.br\\Bring imaging',
  ];
  return segments.join(i % 5 === 0 ? '\r\n' : '\r') + '\r';
}

/** >= 1,000 mixed messages: ADR^A19 with 0..3 PIDs, RSP^K22, NF and AE replies, SIU S12/S14/S15, latin1, \n. */
export function buildParseCorpus(size = CORPUS_SIZE): CorpusMessage[] {
  const corpus: CorpusMessage[] = [];
  for (let i = 0; i < size; i++) {
    if (i % 2 === 0) {
      const { text, controlId } = reply(i);
      corpus.push({ bytes: Buffer.from(text, 'utf8'), text, kind: 'reply', controlId, charset: 'utf-8' });
    } else {
      const latin1 = i % 4 === 1;
      const text = siu(i, latin1);
      const charset: Hl7Charset = latin1 ? 'latin1' : 'utf-8';
      corpus.push({
        bytes: Buffer.from(text, latin1 ? 'latin1' : 'utf8'),
        text,
        kind: 'siu',
        controlId: `SIU${i}`,
        charset,
      });
    }
  }
  return corpus;
}

/** Ours: parse from bytes (charset decoding included) and extract what the application needs. */
function oursRound(corpus: readonly CorpusMessage[]): number {
  let checksum = 0;
  for (const item of corpus) {
    const message = parseHl7(item.bytes, { charset: item.charset });
    if (item.kind === 'reply') {
      const result = readQueryReply(message, {
        expectedControlId: item.controlId,
        patientIdAuthority: 'AZSTJAN',
      });
      checksum += result.candidates.length + (result.candidates[0]?.lastName?.length ?? 0);
    } else {
      const appointment = readSiuMessage(message, SIU_SETTINGS);
      checksum += (appointment.patient.patientCode?.length ?? 0) + (appointment.appointmentDate?.length ?? 0);
    }
  }
  return checksum;
}

function simpleHl7Round(corpus: readonly CorpusMessage[], Parser: SimpleHl7ParserClass): number {
  let checksum = 0;
  for (const item of corpus) {
    const parsed = new Parser({ segmentSeperator: '\r' }).parse(item.text) as { segments: unknown[] };
    checksum += parsed.segments.length;
  }
  return checksum;
}

function naiveRound(corpus: readonly CorpusMessage[]): number {
  let checksum = 0;
  for (const item of corpus) {
    for (const segment of item.text.split('\r')) {
      for (const field of segment.split('|')) checksum += field.split('^').length;
    }
  }
  return checksum;
}

/**
 * Messages per second of one round, by the wall clock and by the CPU time this process spent (what a
 * shared machine does not move: a round descheduled half-way takes longer, not more CPU).
 */
function timeRound(size: number, round: () => number): { rate: number; cpuRate: number; checksum: number } {
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  const checksum = round();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = Math.max(cpu.user + cpu.system, 1) / 1e6;
  return { rate: size / seconds, cpuRate: size / cpuSeconds, checksum };
}

export async function runParseBench(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- simple-hl7 ships no types: required and typed here
  const { Parser } = require('simple-hl7') as { Parser: SimpleHl7ParserClass };
  const corpus = buildParseCorpus();

  // Same answers every round, or the benchmark would measure something else than it claims.
  const expected = oursRound(corpus);
  for (let i = 0; i < WARMUP_ROUNDS; i++) {
    oursRound(corpus);
    simpleHl7Round(corpus, Parser);
    naiveRound(corpus);
  }

  const rates = { ours: [] as number[], simple: [] as number[], naive: [] as number[] };
  const cpuRates = { ours: [] as number[], simple: [] as number[] };
  // Interleaved rounds: machine noise hits the three contenders alike.
  for (let i = 0; i < ROUNDS; i++) {
    const ours = timeRound(corpus.length, () => oursRound(corpus));
    if (ours.checksum !== expected) throw new Error('P4: extraction results changed between rounds');
    rates.ours.push(ours.rate);
    cpuRates.ours.push(ours.cpuRate);
    const simpleRound = timeRound(corpus.length, () => simpleHl7Round(corpus, Parser));
    rates.simple.push(simpleRound.rate);
    cpuRates.simple.push(simpleRound.cpuRate);
    rates.naive.push(timeRound(corpus.length, () => naiveRound(corpus)).rate);
  }

  const ours = median(rates.ours);
  const simple = median(rates.simple);
  const naive = median(rates.naive);
  const oursCpu = median(cpuRates.ours);
  const simpleCpu = median(cpuRates.simple);
  process.stdout.write(
    `P4 hl7-parse: ${corpus.length} msgs x ${ROUNDS} rounds; ours ${Math.round(ours)} msg/s; ` +
      `simple-hl7 ${Math.round(simple)} msg/s; naive split ${Math.round(naive)} msg/s; ` +
      `ratio to simple-hl7 ${(ours / simple).toFixed(2)}; per CPU second: ours ${Math.round(oursCpu)} msg/s ` +
      `(cpu ${(1000 / oursCpu).toFixed(4)} ms/msg), simple-hl7 ${Math.round(simpleCpu)} msg/s ` +
      `(target >= 30000 msg/s, >= 1.0x)\n`,
  );
}

if (require.main === module) {
  runParseBench().catch((error: unknown) => {
    process.stderr.write(`P4 hl7-parse failed: ${String(error)}\n`);
    process.exitCode = 1;
  });
}
