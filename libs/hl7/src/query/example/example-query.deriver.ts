import { resolveCharset } from '../../model/hl7-charset';
import type { Hl7Delimiters } from '../../model/hl7-delimiters';
import { escapeHl7, unescapeHl7 } from '../../model/hl7-escape';
import type { Hl7Message } from '../../model/hl7-message';
import { Hl7ParseError } from '../../model/hl7.errors';
import { parseHl7 } from '../../model/hl7.parser';
import {
  ExampleQueryError,
  type DerivedQueryTemplate,
  type ExampleQueryLayout,
  type ExampleSlot,
  type ExampleTimestampFormat,
} from './example-query.types';
import { RawSegment } from './raw-segment';

type By = 'patientCode' | 'visitNumber';

/** One leaf of one segment line (index in the example's segments). */
interface Edit {
  readonly segment: number;
  readonly field: number;
  readonly repetition: number;
  readonly component: number;
  readonly subcomponent: number;
  /** A slot to fill, or raw text written as is. */
  readonly slot?: ExampleSlot;
  readonly raw?: string;
}

/** Where the identifier is, and what changes in the layout for the lookup the example does not show. */
interface IdPlacement {
  readonly edit: Edit;
  readonly path: string;
  readonly exampleBy: By;
  readonly authority?: string;
  /** Edits that turn the example's lookup into the other one. */
  readonly otherEdits: readonly Edit[];
  readonly otherNote: string;
}

const VISIT_TYPE_CODES: ReadonlySet<string> = new Set(['VN', 'VISIT']);
const SUPPORTED_VERSION = /^2\.[2-8](?:\.\d+)?$/;
const TIMESTAMP = /^(\d{4,14})(?:\.(\d{1,4}))?([+-]\d{4})?$/;
const DEFAULT_TIMESTAMP: ExampleTimestampFormat = { digits: 14, fractionDigits: 0, offset: true };
/** QPD-3 `@field` names (IHE PDQ/PDQV) that carry the identifier asked for. */
const QIP_PATIENT_ID = new Set(['PID.3', 'PID.3.1', 'PID.3.1.1', 'PID.2', 'PID.2.1', 'PID.4', 'PID.4.1']);
const QIP_VISIT = new Set(['PV1.19', 'PV1.19.1']);
const MARKER = /\u0000([a-zA-Z]+)\u0000/;

const LABEL: Record<By, string> = { patientCode: 'patient ID', visitNumber: 'visit number' };

function refuse(problem: ExampleQueryError['problem'], message: string): never {
  throw new ExampleQueryError(problem, message);
}

/**
 * Reads the hospital's example QRY^A19 or QBP^Q22 once, at save time, and derives the template every
 * query is filled from: the example's own segments, separators and fields, with only the control id
 * (MSH-10), date/time (MSH-7, QRD-1), query id (QRD-4 / QPD-2) and the identifier replaced.
 * Throws ExampleQueryError, whose message says what is wrong with the example.
 */
export function deriveExampleQuery(example: string): DerivedQueryTemplate {
  if (example.includes('\u0000')) refuse('UNREADABLE', 'the example holds a NUL character: paste it as text');
  let message: Hl7Message;
  try {
    message = parseHl7(example);
  } catch (error) {
    if (error instanceof Hl7ParseError)
      refuse('UNREADABLE', `the example cannot be read as HL7 v2: ${error.message}`);
    throw error;
  }
  const d = message.delimiters;
  const code = message.messageCode.toUpperCase();
  const event = message.event.toUpperCase();
  const typeText = message.type;
  const queryStyle =
    code === 'QRY' && event === 'A19' ? 'QRY_A19' : code === 'QBP' && event === 'Q22' ? 'QBP_Q22' : undefined;
  if (!queryStyle) {
    refuse(
      'NOT_A_QUERY',
      `MSH-9 is ${typeText}, not a query: paste the QRY^A19 or QBP^Q22 the hospital already receives`,
    );
  }
  const version = message.version;
  if (!SUPPORTED_VERSION.test(version)) {
    refuse('UNSUPPORTED_VERSION', `MSH-12 (version) is "${version}": versions 2.2 to 2.8 are supported`);
  }

  const lines = message.segments.map(String);
  const raws = lines.map((line) => new RawSegment(line, d));
  const leafText = (raw: RawSegment, f: number, r: number, c: number, s = 1): string =>
    decode(raw.leaf(f, r, c, s), d);

  const querySegmentName = queryStyle === 'QRY_A19' ? 'QRD' : 'QPD';
  const q = raws.findIndex((raw) => raw.name === querySegmentName);
  if (q < 0) refuse('NOT_A_QUERY', `the ${typeText} has no ${querySegmentName} segment`);

  const slot = (segment: number, field: number, slotName: ExampleSlot): Edit => ({
    segment,
    field,
    repetition: 1,
    component: 1,
    subcomponent: 1,
    slot: slotName,
  });
  const common: Edit[] = [slot(0, 7, 'timestamp'), slot(0, 10, 'controlId')];
  if (queryStyle === 'QRY_A19') common.push(slot(q, 1, 'queryTimestamp'), slot(q, 4, 'queryId'));
  else common.push(slot(q, 2, 'queryId'));

  const id =
    queryStyle === 'QRY_A19' ? placeInQrd(raws[q], q, leafText) : placeInQpd(raws[q], q, leafText, d);

  const timestamp = timestampFormat(raws[0].leaf(7, 1, 1));
  const queryTimestamp = queryStyle === 'QRY_A19' ? timestampFormat(raws[q].leaf(1, 1, 1)) : timestamp;
  const msh18 = message.get('MSH-18');
  const charsetDeclared = msh18 === '' ? undefined : resolveCharset(msh18, 'utf-8');
  const charset =
    msh18 !== '' && resolveCharset(msh18, 'latin1') === charsetDeclared ? charsetDeclared : undefined;

  const exampleLayout = layout(lines, d, [...common, { ...id.edit, slot: 'value' }]);
  const otherLayout = layout(lines, d, [...common, { ...id.edit, slot: 'value' }, ...id.otherEdits]);

  const notes: string[] = [
    `Read a ${typeText} (HL7 ${version}) with the segments ${lines.map((l) => l.slice(0, 3)).join(', ')}; ` +
      'every query is sent with this layout, every other field as in the example.',
    `Replaced in every query: MSH-7 (date/time, ${describeTimestamp(timestamp)}), ` +
      (queryStyle === 'QRY_A19' ? `QRD-1 (date/time, ${describeTimestamp(queryTimestamp)}), ` : '') +
      `MSH-10 (control id), ${querySegmentName}-${queryStyle === 'QRY_A19' ? 4 : 2} ` +
      `(query id, equal to MSH-10) and ${id.path} (the ${LABEL[id.exampleBy]}).`,
    `The example asks by ${LABEL[id.exampleBy]}; ${id.otherNote}`,
  ];
  if (!isDefaultDelimiters(d)) {
    notes.push(
      `Separators as the example declares them: field ${d.field} and encoding characters ` +
        `${d.component}${d.repetition}${d.escape}${d.subcomponent}; values are escaped with them.`,
    );
  }
  if (id.authority)
    notes.push(`The identifier's assigning authority "${id.authority}" is sent as in the example.`);
  else notes.push('The example names no assigning authority for the identifier; none is sent.');
  const extra = lines.map((l) => l.slice(0, 3)).filter((name) => name.startsWith('Z'));
  if (extra.length > 0) notes.push(`Z-segments kept in place as written: ${extra.join(', ')}.`);
  if (charset) notes.push(`MSH-18 "${msh18}": queries are encoded in ${charset}.`);
  else if (msh18 !== '')
    notes.push(`MSH-18 "${msh18}" is kept; queries are encoded in the connection's charset.`);
  if (!timestamp.offset || !queryTimestamp.offset) {
    notes.push(
      "The example writes its date/time without a UTC offset: it is written in the template's timeZone (default UTC).",
    );
  }
  notes.push(
    'Segments are terminated by \\r (the MLLP standard), whatever line breaks the pasted example used.',
  );

  return {
    queryStyle,
    messageType: typeText,
    version,
    delimiters: {
      field: d.field,
      component: d.component,
      repetition: d.repetition,
      escape: d.escape,
      subcomponent: d.subcomponent,
    },
    ...(charset ? { charset } : {}),
    exampleBy: id.exampleBy,
    idPath: id.path,
    ...(id.authority ? { authority: id.authority } : {}),
    timestamp,
    queryTimestamp,
    byPatientCode: id.exampleBy === 'patientCode' ? exampleLayout : otherLayout,
    byVisitNumber: id.exampleBy === 'visitNumber' ? exampleLayout : otherLayout,
    notes,
  };
}

type LeafReader = (
  raw: RawSegment,
  field: number,
  repetition: number,
  component: number,
  sub?: number,
) => string;

/** QRY^A19: QRD-8 (who subject filter, XCN): XCN.1 id, XCN.9 authority, XCN.13 identifier type. */
function placeInQrd(qrd: RawSegment, q: number, text: LeafReader): IdPlacement {
  const repetitions = qrd.repetitions(8);
  const withId: number[] = [];
  repetitions.forEach((_, i) => {
    if (text(qrd, 8, i + 1, 1) !== '') withId.push(i + 1);
  });
  if (withId.length === 0) {
    refuse(
      'NO_PATIENT_ID_FIELD',
      'QRD-8 (who subject filter) holds no identifier: the example must show the patient ID or visit number it asks for',
    );
  }
  if (withId.length > 1) {
    refuse(
      'AMBIGUOUS_ID_FIELD',
      `QRD-8 holds ${withId.length} identifiers (repetitions ${withId.join(' and ')}): ` +
        'keep only the one that carries the patient ID or visit number',
    );
  }
  const r = withId[0];
  if ([2, 3, 4].some((c) => text(qrd, 8, r, c) !== '')) {
    refuse(
      'CARRIES_PATIENT_DATA',
      "QRD-8 carries a name besides the identifier: every query would send the example patient's name; remove it",
    );
  }
  const type = text(qrd, 8, r, 13).toUpperCase();
  const exampleBy: By = VISIT_TYPE_CODES.has(type) ? 'visitNumber' : 'patientCode';
  const authority = text(qrd, 8, r, 9) || text(qrd, 8, r, 9, 2) || undefined;
  const path = r === 1 ? 'QRD-8.1' : `QRD-8(${r}).1`;
  const otherType = exampleBy === 'patientCode' ? 'VN' : 'MR';
  return {
    edit: { segment: q, field: 8, repetition: r, component: 1, subcomponent: 1 },
    path,
    exampleBy,
    authority,
    otherEdits: [{ segment: q, field: 8, repetition: r, component: 13, subcomponent: 1, raw: otherType }],
    otherNote:
      `${exampleBy === 'patientCode' ? 'a visit number' : 'a patient ID'} is sent in the same place (${path}) ` +
      `with identifier type ${otherType} in QRD-8.13${type ? ` instead of ${type}` : ''}.`,
  };
}

/**
 * QBP^Q22: QPD-3 either as IHE PDQ `@field^value` pairs (`@PID.3.1`, `@PV1.19`, ...) or as a plain CX
 * (CX.1 id, CX.4 authority, CX.5 identifier type).
 */
function placeInQpd(qpd: RawSegment, q: number, text: LeafReader, d: Hl7Delimiters): IdPlacement {
  const repetitions = qpd.repetitions(3);
  if (repetitions.length === 0) {
    refuse(
      'NO_PATIENT_ID_FIELD',
      'QPD-3 is empty: the example must show the patient ID or visit number it asks for',
    );
  }
  const names = repetitions.map((_, i) => text(qpd, 3, i + 1, 1).toUpperCase());
  if (!names.some((name) => name.startsWith('@'))) return placeInQpdCx(qpd, q, text);

  const candidates: { index: number; name: string }[] = [];
  let authority: string | undefined;
  names.forEach((atName, i) => {
    const name = atName.replace(/^@/, '');
    const value = text(qpd, 3, i + 1, 2);
    if (QIP_PATIENT_ID.has(name) || QIP_VISIT.has(name)) {
      if (value !== '') candidates.push({ index: i + 1, name });
    } else if (name === 'PID.3.4' || name === 'PID.3.4.1') {
      authority = value || undefined;
    } else if (name.startsWith('PID.') && !name.startsWith('PID.3.')) {
      refuse(
        'CARRIES_PATIENT_DATA',
        `QPD-3 also asks for @${name}, a value of the example patient that every query would repeat; ` +
          'keep only the identifier parameters',
      );
    }
  });
  if (candidates.length === 0) {
    refuse(
      'NO_PATIENT_ID_FIELD',
      'QPD-3 has no @PID.3.1 (patient ID) or @PV1.19 (visit number) parameter with a value',
    );
  }
  if (candidates.length > 1) {
    refuse(
      'AMBIGUOUS_ID_FIELD',
      `QPD-3 gives ${candidates.length} identifiers (${candidates.map((c) => `@${c.name}`).join(' and ')}): ` +
        'keep only the one the hospital looks patients up by',
    );
  }
  const { index, name } = candidates[0];
  const exampleBy: By = QIP_VISIT.has(name) ? 'visitNumber' : 'patientCode';
  const otherName = exampleBy === 'patientCode' ? 'PV1.19' : 'PID.3.1';
  const otherEdits: Edit[] = [
    {
      segment: q,
      field: 3,
      repetition: index,
      component: 1,
      subcomponent: 1,
      raw: escapeHl7(`@${otherName}`, d),
    },
  ];
  return {
    edit: { segment: q, field: 3, repetition: index, component: 2, subcomponent: 1 },
    path: `QPD-3(${index}).2 (@${name})`,
    exampleBy,
    authority,
    otherEdits,
    otherNote:
      `${exampleBy === 'patientCode' ? 'a visit number' : 'a patient ID'} is sent in the same parameter ` +
      `renamed @${otherName} (IHE ${exampleBy === 'patientCode' ? 'PDQV' : 'PDQ'}), the other parameters as in the example.`,
  };
}

function placeInQpdCx(qpd: RawSegment, q: number, text: LeafReader): IdPlacement {
  const repetitions = qpd.repetitions(3);
  const withId: number[] = [];
  repetitions.forEach((_, i) => {
    if (text(qpd, 3, i + 1, 1) !== '') withId.push(i + 1);
  });
  if (withId.length === 0) refuse('NO_PATIENT_ID_FIELD', 'QPD-3 (CX) holds no identifier in CX.1');
  if (withId.length > 1) {
    refuse(
      'AMBIGUOUS_ID_FIELD',
      `QPD-3 holds ${withId.length} identifiers (repetitions ${withId.join(' and ')}): keep only the one asked for`,
    );
  }
  const r = withId[0];
  const type = text(qpd, 3, r, 5).toUpperCase();
  const exampleBy: By = VISIT_TYPE_CODES.has(type) ? 'visitNumber' : 'patientCode';
  const otherType = exampleBy === 'patientCode' ? 'VN' : 'MR';
  const path = r === 1 ? 'QPD-3.1' : `QPD-3(${r}).1`;
  return {
    edit: { segment: q, field: 3, repetition: r, component: 1, subcomponent: 1 },
    path,
    exampleBy,
    authority: text(qpd, 3, r, 4) || text(qpd, 3, r, 4, 2) || undefined,
    otherEdits: [{ segment: q, field: 3, repetition: r, component: 5, subcomponent: 1, raw: otherType }],
    otherNote:
      `${exampleBy === 'patientCode' ? 'a visit number' : 'a patient ID'} is sent in the same place (${path}) ` +
      `with identifier type ${otherType} in CX.5${type ? ` instead of ${type}` : ''}.`,
  };
}

/** The example's lines with every edit applied, cut at the slots (see ExampleQueryLayout). */
function layout(lines: readonly string[], d: Hl7Delimiters, edits: readonly Edit[]): ExampleQueryLayout {
  const raws = lines.map((line) => new RawSegment(line, d));
  for (const edit of edits) {
    const raw = edit.slot ? `\u0000${edit.slot}\u0000` : (edit.raw ?? '');
    raws[edit.segment].setLeaf(edit.field, edit.repetition, edit.component, edit.subcomponent, raw);
  }
  const text = raws.map(String).join('\r') + '\r';
  const pieces = text.split(MARKER);
  const texts: string[] = [];
  const slots: ExampleSlot[] = [];
  pieces.forEach((piece, i) => (i % 2 === 0 ? texts.push(piece) : slots.push(piece as ExampleSlot)));
  return { texts, slots };
}

function decode(raw: string, d: Hl7Delimiters): string {
  const value = unescapeHl7(raw, { delimiters: d, charset: 'utf-8' }).trim();
  return value === '""' ? '' : value;
}

function timestampFormat(raw: string): ExampleTimestampFormat {
  const match = TIMESTAMP.exec(raw.trim());
  if (!match) return DEFAULT_TIMESTAMP;
  return { digits: match[1].length, fractionDigits: match[2]?.length ?? 0, offset: match[3] !== undefined };
}

function describeTimestamp(format: ExampleTimestampFormat): string {
  const precision =
    format.fractionDigits > 0
      ? `${format.digits} digits and ${format.fractionDigits} of fraction`
      : `${format.digits} digits`;
  return `${precision}${format.offset ? ' with UTC offset' : ', no offset'}`;
}

function isDefaultDelimiters(d: Hl7Delimiters): boolean {
  return (
    d.field === '|' &&
    d.component === '^' &&
    d.repetition === '~' &&
    d.escape === '\\' &&
    d.subcomponent === '&'
  );
}
