import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildAck, buildRejectAck } from '../ack/ack.builder';
import { readDemographics } from '../demographics/demographics.reader';
import type { Demographics, DemographicsOptions } from '../demographics/demographics.types';
import { groupsByPid } from '../demographics/pid-group';
import { splitHl7BatchSync } from '../model/hl7-batch.splitter';
import type { Hl7Charset } from '../model/hl7-charset';
import type { Hl7Message } from '../model/hl7-message';
import { parseHl7Path } from '../model/hl7-path';
import { Hl7ParseError } from '../model/hl7.errors';
import { parseHl7 } from '../model/hl7.parser';
import { readQueryReply } from '../query/query-reply.reader';
import { readSiuFrame } from '../siu/siu-frame.reader';

/**
 * The peer corpus `shared/interop/hl7-real` (its README says what each entry means): how our readers
 * read each file, shaped like the file's `expected.json` entry so the two compare field by field.
 */

export type CorpusKind = 'demographics' | 'query-reply' | 'siu' | 'batch' | 'query' | 'other' | 'reject';

export interface CorpusConnection {
  readonly charset?: Hl7Charset;
  readonly patientIdAuthority?: string;
  readonly patientIdTypes?: readonly string[];
}

export type CorpusCandidate = Readonly<Record<string, string | null>>;

export interface CorpusEntry {
  readonly kind: CorpusKind;
  readonly connection?: CorpusConnection;
  readonly parse?: 'ok' | 'either';
  readonly msh?: Readonly<Record<string, string>>;
  readonly candidates?: readonly CorpusCandidate[];
  readonly reply?: { readonly status: string; readonly errorText?: string };
  readonly siu?: Readonly<Record<string, string | boolean | null>>;
  readonly batch?: {
    readonly messages: number;
    readonly controlIds: readonly string[];
    readonly failedItems: number;
  };
  readonly paths?: Readonly<Record<string, string>>;
  readonly ambiguous?: boolean;
  readonly ambiguousFields?: readonly string[];
  readonly ambiguousReason?: string;
  readonly notes?: string;
}

/** What a reading found, with only the keys an entry states (README: other fields are not asserted). */
export interface CorpusReading {
  readonly msh?: Record<string, string>;
  readonly candidates?: CorpusCandidate[];
  readonly reply?: Record<string, string | undefined>;
  readonly siu?: Record<string, string | boolean | null>;
  readonly batch?: { messages: number; controlIds: string[]; failedItems: number };
  readonly paths?: Record<string, string>;
  /** Rule 29: MSA-2 of the ACK we would send for each message, when the entry's type gets one. */
  readonly ackMsa2?: string[];
  /** Set when the file was refused (allowed only for `parse: "either"`). */
  readonly refused?: string;
}

/** From the project root, as CI clones it with `shared/` beside the project; overridable for worktrees. */
export function corpusDirectory(projectRoot: string): string {
  return path.resolve(process.env.HL7_REAL_CORPUS ?? path.join(projectRoot, '../shared/interop/hl7-real'));
}

export function loadCorpus(directory: string): Record<string, CorpusEntry> {
  const expected = JSON.parse(fs.readFileSync(path.join(directory, 'expected.json'), 'utf8')) as {
    files: Record<string, CorpusEntry>;
  };
  return expected.files;
}

// Message types that are replies or queries: they get no ACK of their own (README, rule 29).
const NOT_ACKNOWLEDGED = new Set(['ACK', 'ADR', 'RSP', 'QBP', 'QRY']);
const ACK_AT = new Date('2024-01-01T00:00:00Z');

function candidateOf(demographics: Demographics, stated: CorpusCandidate): Record<string, string | null> {
  const values = demographics as unknown as Record<string, unknown>;
  const result: Record<string, string | null> = {};
  for (const key of Object.keys(stated)) {
    const value = values[key];
    result[key] = typeof value === 'string' ? value : null;
  }
  return result;
}

function candidatesOf(
  messages: readonly Hl7Message[],
  stated: readonly CorpusCandidate[],
  options: DemographicsOptions,
): CorpusCandidate[] {
  const groups = messages.flatMap((message) => groupsByPid(message));
  return groups.map((group, i) => candidateOf(readDemographics(group, options), stated[i] ?? {}));
}

/** `SEG-f.c.s` is the first segment of that name; `SEG#n-f.c.s` the n-th. */
function pathValue(message: Hl7Message, spec: string): string {
  const numbered = /^([A-Z0-9]{3})#(\d+)-(.*)$/.exec(spec);
  if (!numbered) return message.get(spec);
  const { field, component, subcomponent } = parseHl7Path(`${numbered[1]}-${numbered[3]}`);
  const segment = message.all(numbered[1])[Number(numbered[2]) - 1];
  return segment?.get(field, component, subcomponent) ?? '';
}

function mshOf(message: Hl7Message): Record<string, string> {
  return {
    type: message.messageCode,
    trigger: message.event,
    controlId: message.controlId,
    version: message.version,
    charset: message.charset,
  };
}

function ackMsa2(message: Hl7Message): string | undefined {
  if (NOT_ACKNOWLEDGED.has(message.messageCode.toUpperCase())) return undefined;
  return parseHl7(buildAck(message, { code: 'AA', controlId: 'ACK', at: ACK_AT })).get('MSA-2');
}

function rejectMsa2(raw: Buffer): string {
  return parseHl7(buildRejectAck(raw, { controlId: 'ACK', at: ACK_AT })).get('MSA-2');
}

function readBatch(raw: Buffer, entry: CorpusEntry, options: DemographicsOptions): CorpusReading {
  const charset = entry.connection?.charset;
  const messages: Hl7Message[] = [];
  const acks: string[] = [];
  let failedItems = 0;
  for (const item of splitHl7BatchSync(raw)) {
    try {
      const message = parseHl7(item.raw, { charset });
      messages.push(message);
      const msa2 = ackMsa2(message);
      if (msa2 !== undefined) acks.push(msa2);
    } catch (error) {
      if (!(error instanceof Hl7ParseError)) throw error;
      failedItems++;
      acks.push(rejectMsa2(item.raw));
    }
  }
  return {
    batch: { messages: messages.length, controlIds: messages.map((m) => m.controlId), failedItems },
    ...(entry.candidates ? { candidates: candidatesOf(messages, entry.candidates, options) } : {}),
    // Items are acknowledged one by one; compared as a set of MSA-2 values (order is the split's).
    ackMsa2: acks.sort(),
  };
}

/** Reads one corpus file the way the platform does, for the fields its entry states. */
export function readCorpusFile(raw: Buffer, entry: CorpusEntry): CorpusReading {
  const connection = entry.connection ?? {};
  const options: DemographicsOptions = {
    ...(connection.patientIdAuthority ? { patientIdAuthority: connection.patientIdAuthority } : {}),
    ...(connection.patientIdTypes ? { patientIdTypes: connection.patientIdTypes } : {}),
  };
  if (entry.kind === 'batch') return readBatch(raw, entry, options);

  let message: Hl7Message;
  try {
    message = parseHl7(raw, { charset: connection.charset });
  } catch (error) {
    if (!(error instanceof Hl7ParseError)) throw error;
    return { refused: `${error.code}: ${error.message}`, ackMsa2: [rejectMsa2(raw)] };
  }

  const msa2 = ackMsa2(message);
  const reading: {
    -readonly [K in keyof CorpusReading]: CorpusReading[K];
  } = { msh: mshOf(message), ackMsa2: msa2 === undefined ? [] : [msa2] };
  if (entry.paths) {
    reading.paths = {};
    for (const spec of Object.keys(entry.paths)) reading.paths[spec] = pathValue(message, spec);
  }
  if (entry.candidates) reading.candidates = candidatesOf([message], entry.candidates, options);
  if (entry.kind === 'query-reply') {
    const reply = readQueryReply(message, { ...options, expectedControlId: message.get('MSA-2') });
    reading.reply = { status: reply.status };
    if (entry.reply?.errorText !== undefined) reading.reply.errorText = reply.errorText;
    if (entry.candidates) {
      reading.candidates = reply.candidates.map((candidate, i) =>
        candidateOf(candidate, entry.candidates![i] ?? {}),
      );
    }
  }
  if (entry.kind === 'siu' && entry.siu) {
    const read = readSiuFrame(raw, { careFlowMap: [], ...options }, { charset: connection.charset });
    const appointment: Record<string, unknown> = read.ok ? { ...read.appointment } : {};
    reading.siu = {};
    for (const key of Object.keys(entry.siu)) {
      const value = key === 'ok' ? read.ok : appointment[key];
      reading.siu[key] = typeof value === 'string' || typeof value === 'boolean' ? value : null;
    }
  }
  return reading;
}

/** The entry as the reading must look: stated fields, and the ACK MSA-2 the README derives from them. */
export function expectedReading(entry: CorpusEntry, refused: boolean): CorpusReading {
  // A refusal (allowed by `parse: "either"`) is judged on its ACK alone: an AR that still carries MSH-10.
  if (refused) return { ackMsa2: [entry.msh?.controlId ?? ''] };
  const acknowledged =
    entry.kind !== 'batch' && entry.msh && !NOT_ACKNOWLEDGED.has(entry.msh.type.toUpperCase());
  return {
    ...(entry.msh ? { msh: { ...entry.msh } } : {}),
    ...(entry.candidates ? { candidates: entry.candidates.map((c) => ({ ...c })) } : {}),
    ...(entry.reply ? { reply: { ...entry.reply } } : {}),
    ...(entry.siu ? { siu: { ...entry.siu } } : {}),
    ...(entry.batch ? { batch: { ...entry.batch, controlIds: [...entry.batch.controlIds] } } : {}),
    ...(entry.paths ? { paths: { ...entry.paths } } : {}),
    ackMsa2:
      entry.kind === 'batch'
        ? // Every batch of the corpus carries ADT messages; an item without MSH gets an empty MSA-2.
          [
            ...(entry.batch?.controlIds ?? []),
            ...Array<string>(entry.batch?.failedItems ?? 0).fill(''),
          ].sort()
        : acknowledged
          ? [entry.msh.controlId]
          : [],
  };
}
