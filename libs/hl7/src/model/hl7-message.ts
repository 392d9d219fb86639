import type { Hl7Charset } from './hl7-charset';
import type { Hl7Delimiters } from './hl7-delimiters';
import { HEADER_SEGMENTS } from './hl7-delimiters';
import { unescapeHl7, type Hl7Encoding } from './hl7-escape';
import { parseHl7Path } from './hl7-path';

/**
 * `text.split(separator)` for a one-character separator, in JIT-compiled code: String#split goes
 * through the runtime and was the largest self-time item of the parse profile (P4).
 */
function splitOn(text: string, separator: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (let at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, start)) {
    pieces.push(text.slice(start, at));
    start = at + 1;
  }
  pieces.push(start === 0 ? text : text.slice(start));
  return pieces;
}

/** Rule 4 and 5 on one leaf: unescape after splitting, trim, and read the HL7 null `""` as empty. */
function decodeLeaf(raw: string, encoding: Hl7Encoding): string {
  if (raw === '') return '';
  const esc = encoding.delimiters.escape;
  const value = (esc !== '' && raw.indexOf(esc) >= 0 ? unescapeHl7(raw, encoding) : raw).trim();
  return value === '""' ? '' : value;
}

/**
 * One repetition of a field. A component is decoded on first access and cached: extractors read a
 * few components of a field, some of them several times (type, authority, value).
 */
export class Hl7Repetition {
  /** Decoded first subcomponent per component, filled on access (allocated on first access). */
  private values: (string | undefined)[] | undefined;
  /** Decoded subcomponents, only for components that have several. */
  private subs: (string[] | undefined)[] | undefined;

  /** @internal built by Hl7Segment */
  constructor(
    private readonly parts: readonly string[],
    private readonly encoding: Hl7Encoding,
  ) {}

  get componentCount(): number {
    return this.parts.length;
  }

  /** Decoded, trimmed value of component `index` (1-based) and its subcomponent; '' when absent. */
  component(index: number, subcomponent = 1): string {
    const i = index - 1;
    if (subcomponent === 1) {
      const cached = this.values?.[i];
      if (cached !== undefined) return cached;
    }
    const raw = this.parts[i];
    if (raw === undefined) return '';
    const sub = this.encoding.delimiters.subcomponent;
    if (sub === '' || raw.indexOf(sub) < 0) {
      if (subcomponent !== 1) return '';
      return ((this.values ??= [])[i] = decodeLeaf(raw, this.encoding));
    }
    return this.split(i, raw, sub)[subcomponent - 1] ?? '';
  }

  /** Every decoded subcomponent of component `index`. */
  subcomponents(index: number): string[] {
    const raw = this.parts[index - 1];
    if (raw === undefined || raw === '') return [];
    const sub = this.encoding.delimiters.subcomponent;
    if (sub === '' || raw.indexOf(sub) < 0) return [this.component(index)];
    return [...this.split(index - 1, raw, sub)];
  }

  /** Decoded components, first subcomponent of each. */
  components(): string[] {
    const values: string[] = [];
    for (let i = 1; i <= this.parts.length; i++) values.push(this.component(i));
    return values;
  }

  /** True when every leaf decodes to '' (e.g. `""` or a lone formatting escape). */
  isEmpty(): boolean {
    for (let i = 1; i <= this.parts.length; i++) {
      if (this.parts[i - 1] === '') continue;
      // The first subcomponent settles most components without splitting the rest.
      if (this.component(i) !== '' || this.subcomponents(i).some((value) => value !== '')) return false;
    }
    return true;
  }

  private split(i: number, raw: string, sub: string): string[] {
    const cached = this.subs?.[i];
    if (cached) return cached;
    const pieces = splitOn(raw, sub);
    for (let j = 0; j < pieces.length; j++) pieces[j] = decodeLeaf(pieces[j], this.encoding);
    (this.subs ??= [])[i] = pieces;
    (this.values ??= [])[i] = pieces[0];
    return pieces;
  }
}

const NO_REPETITIONS: readonly Hl7Repetition[] = Object.freeze([]);

function isSeparatorsOnly(raw: string, d: Hl7Delimiters): boolean {
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i];
    if (char !== ' ' && char !== '\t' && char !== d.component && char !== d.subcomponent) return false;
  }
  return true;
}

/**
 * One segment. Fields are located on first access and each field's repetitions are cached, so a
 * message costs little more than finding its line breaks until someone reads it.
 */
export class Hl7Segment {
  readonly name: string;
  private readonly isHeader: boolean;
  /** Positions of the field separators, found on first access: cheaper than splitting the line. */
  private separatorPositions: number[] | undefined;
  private parsed: (readonly Hl7Repetition[] | undefined)[] | undefined;

  /** @internal built by parseHl7 */
  constructor(
    private readonly line: string,
    private readonly encoding: Hl7Encoding,
  ) {
    const end = line.indexOf(encoding.delimiters.field);
    this.name = end < 0 ? line : line.slice(0, end);
    this.isHeader = HEADER_SEGMENTS.has(this.name);
  }

  /** Field count in HL7 numbering (MSH counts MSH-1, the field separator). */
  get fieldCount(): number {
    return this.separators().length + (this.isHeader ? 1 : 0);
  }

  /**
   * Repetitions of field `index` (1-based, HL7 numbering: MSH-1 is the field separator, MSH-2 the
   * encoding characters). Repetitions made only of separators, spaces or `""` are skipped (rule 5).
   */
  field(index: number): readonly Hl7Repetition[] {
    const cached = this.parsed?.[index];
    if (cached) return cached;
    const repetitions = this.parseField(index);
    (this.parsed ??= [])[index] = repetitions;
    return repetitions;
  }

  /** First repetition of field `index`, component and subcomponent (1-based); '' when absent. */
  get(index: number, component = 1, subcomponent = 1): string {
    const first = this.field(index)[0];
    return first === undefined ? '' : first.component(component, subcomponent);
  }

  /** The field as it was written (still escaped), for display in the message log. */
  encodedField(index: number): string {
    return this.rawField(index) ?? '';
  }

  /** The segment line as received (after charset decoding), without its terminator. */
  toString(): string {
    return this.line;
  }

  private separators(): number[] {
    if (this.separatorPositions === undefined) {
      const positions: number[] = [];
      const separator = this.encoding.delimiters.field;
      for (let at = this.line.indexOf(separator); at >= 0; at = this.line.indexOf(separator, at + 1))
        positions.push(at);
      this.separatorPositions = positions;
    }
    return this.separatorPositions;
  }

  /** Field `index` in HL7 numbering, still encoded; undefined past the end of the segment. */
  private rawField(index: number): string | undefined {
    if (index < 1) return index === 0 ? this.name : undefined;
    if (this.isHeader && index === 1) return this.encoding.delimiters.field;
    // In MSH the first separator is MSH-1 itself, so MSH-n starts after separator n-2.
    const k = this.isHeader ? index - 1 : index;
    const positions = this.separators();
    if (k > positions.length) return undefined;
    return this.line.slice(positions[k - 1] + 1, k < positions.length ? positions[k] : this.line.length);
  }

  private parseField(index: number): readonly Hl7Repetition[] {
    if (index < 1) return NO_REPETITIONS;
    const raw = this.rawField(index);
    if (raw === undefined || raw === '') return NO_REPETITIONS;
    const d = this.encoding.delimiters;
    if (index <= 2 && this.isHeader) {
      // MSH-1 and MSH-2 are the delimiters themselves: never split or unescaped.
      return [new Hl7Repetition([raw], LITERAL_ENCODING)];
    }
    const pieces = d.repetition === '' ? [raw] : splitOn(raw, d.repetition);
    const repetitions: Hl7Repetition[] = [];
    for (const piece of pieces) {
      if (isSeparatorsOnly(piece, d)) continue;
      const parts = d.component === '' ? [piece] : splitOn(piece, d.component);
      const repetition = new Hl7Repetition(parts, this.encoding);
      // Only values that contain a quote or an escape can decode to nothing; skip the check otherwise.
      const mayBeEmpty = piece.indexOf('"') >= 0 || (d.escape !== '' && piece.indexOf(d.escape) >= 0);
      if (mayBeEmpty && repetition.isEmpty()) continue;
      repetitions.push(repetition);
    }
    return repetitions.length === 0 ? NO_REPETITIONS : repetitions;
  }
}

const LITERAL_ENCODING: Hl7Encoding = {
  delimiters: { field: '', component: '', repetition: '', escape: '', subcomponent: '', truncation: '' },
  charset: 'utf-8',
};

/** One parsed HL7 v2 message. Build it with `parseHl7`. */
export class Hl7Message {
  /** @internal built by parseHl7 */
  constructor(
    readonly segments: readonly Hl7Segment[],
    private readonly encoding: Hl7Encoding,
  ) {}

  get delimiters(): Hl7Delimiters {
    return this.encoding.delimiters;
  }

  /** The charset the message was decoded with (MSH-18 when recognised, else the connection's). */
  get charset(): Hl7Charset {
    return this.encoding.charset;
  }

  /** The MSH segment (always the first segment). */
  get header(): Hl7Segment {
    return this.segments[0];
  }

  first(name: string): Hl7Segment | undefined {
    for (const segment of this.segments) if (segment.name === name) return segment;
    return undefined;
  }

  all(name: string): Hl7Segment[] {
    return this.segments.filter((segment) => segment.name === name);
  }

  /**
   * Value at `SEG-field[.component[.subcomponent]]`: first occurrence of the segment, first
   * repetition, decoded; '' when absent. Like HAPI's Terser, `PID-3` means `PID-3.1.1`.
   * Throws Hl7ParseError `HL7_BAD_PATH` for a malformed path.
   */
  get(path: string): string {
    const { segment, field, component, subcomponent } = parseHl7Path(path);
    return this.first(segment)?.get(field, component, subcomponent) ?? '';
  }

  /** MSH-10 */
  get controlId(): string {
    return this.header.get(10);
  }

  /** MSH-9.1 and MSH-9.2 as `SIU^S12` (or `ACK` when there is no event), for logs and routing. */
  get type(): string {
    const event = this.event;
    return event === '' ? this.messageCode : `${this.messageCode}^${event}`;
  }

  /** MSH-9.1 */
  get messageCode(): string {
    return this.header.get(9, 1);
  }

  /** MSH-9.2 */
  get event(): string {
    return this.header.get(9, 2);
  }

  /** MSH-3.1 */
  get sendingApplication(): string {
    return this.header.get(3);
  }

  /** MSH-4.1 */
  get sendingFacility(): string {
    return this.header.get(4);
  }

  /** MSH-5.1 */
  get receivingApplication(): string {
    return this.header.get(5);
  }

  /** MSH-6.1 */
  get receivingFacility(): string {
    return this.header.get(6);
  }

  /** MSH-12.1 */
  get version(): string {
    return this.header.get(12);
  }

  /** The message with `\r` segment terminators (blank lines and batch envelope removed). */
  toString(): string {
    return this.segments.map((segment) => segment.toString()).join('\r');
  }
}
