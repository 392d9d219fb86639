import { decodeHl7Bytes, resolveCharset, type Hl7Charset } from './hl7-charset';
import { readDelimiters, type Hl7Delimiters } from './hl7-delimiters';
import type { Hl7Encoding } from './hl7-escape';
import { Hl7Message, Hl7Segment } from './hl7-message';
import { Hl7ParseError } from './hl7.errors';

export interface Hl7ParseOptions {
  /** The connection's charset, used when MSH-18 is absent or not recognised (rule 3). Default utf-8. */
  readonly charset?: Hl7Charset;
}

const ENVELOPE_SEGMENTS: ReadonlySet<string> = new Set(['FHS', 'BHS', 'BTS', 'FTS']);
const LF = 0x0a;
const CR = 0x0d;

function isAlphanumericCode(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** A line is an envelope segment when it is FHS/BHS/BTS/FTS followed by its field separator (or nothing). */
function isEnvelopeLine(line: string): boolean {
  return (
    ENVELOPE_SEGMENTS.has(line.slice(0, 3)) && (line.length === 3 || !isAlphanumericCode(line.charCodeAt(3)))
  );
}

/** A header candidate: whether its MSH-1 is usable is for readDelimiters to say (HL7_BAD_DELIMITERS). */
function isMshLine(line: string): boolean {
  return line.startsWith('MSH') && line.length > 3;
}

/** MSH-18 straight from the header line: first repetition, first component, no unescaping needed. */
function readMsh18(line: string, d: Hl7Delimiters): string {
  // Skip to the 17th field separator (MSH-18 follows it) without splitting the whole line.
  let start = 0;
  for (let count = 0; count < 17; count++) {
    start = line.indexOf(d.field, start) + 1;
    if (start === 0) return '';
  }
  let end = line.indexOf(d.field, start);
  if (end < 0) end = line.length;
  for (const separator of [d.repetition, d.component]) {
    if (separator === '') continue;
    const stop = line.indexOf(separator, start);
    if (stop >= 0 && stop < end) end = stop;
  }
  return line.slice(start, end);
}

/**
 * Parses one HL7 v2 message (rules 1-6). A Buffer is decoded only after MSH-18 has been read from
 * the ASCII header, so a latin1 message is never mangled by a UTF-8 decode. A leading FHS/BHS
 * envelope and trailing BTS/FTS are skipped; a second MSH is an error (split batches first with
 * `splitHl7Batch`). Throws Hl7ParseError for unusable input.
 */
export function parseHl7(input: Buffer | string, options: Hl7ParseOptions = {}): Hl7Message {
  const fallback = options.charset ?? 'utf-8';
  if (typeof input === 'string') {
    const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    return parseText(text, (line, delimiters) => resolveCharset(readMsh18(line, delimiters), fallback));
  }
  let start = 0;
  let bufferFallback = fallback;
  if (input.length >= 3 && input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) {
    // A UTF-8 byte-order mark is itself a declaration, weaker only than MSH-18.
    start = 3;
    bufferFallback = 'utf-8';
  }
  const header = findHeaderLine(input, start);
  let charset = bufferFallback;
  if (header !== undefined)
    charset = resolveCharset(readMsh18(header, readDelimiters(header)), bufferFallback);
  return parseText(decodeHl7Bytes(start === 0 ? input : input.subarray(start), charset), () => charset);
}

/** The MSH line read as latin1 (MSH is ASCII), skipping blank lines and an FHS/BHS envelope. */
function findHeaderLine(buffer: Buffer, from: number): string | undefined {
  let pos = from;
  while (pos < buffer.length) {
    const cr = buffer.indexOf(CR, pos);
    const lf = buffer.indexOf(LF, pos);
    const end = cr < 0 ? (lf < 0 ? buffer.length : lf) : lf < 0 ? cr : Math.min(cr, lf);
    let first = pos;
    while (first < end && buffer[first] <= 0x20) first++;
    if (first < end) {
      const line = buffer.toString('latin1', first, end).trimEnd();
      if (isMshLine(line)) return line;
      if (!isEnvelopeLine(line)) return undefined;
    }
    pos = end + 1;
  }
  return undefined;
}

/** `charsetFor` is asked once, with the header line: a Buffer's charset is already known by then. */
function parseText(
  text: string,
  charsetFor: (header: string, delimiters: Hl7Delimiters) => Hl7Charset,
): Hl7Message {
  const segments: Hl7Segment[] = [];
  let encoding: Hl7Encoding | undefined;
  let sawContent = false;
  const length = text.length;
  let pos = 0;
  let nextCr = text.indexOf('\r');
  let nextLf = text.indexOf('\n');

  while (pos <= length) {
    // Two cursors, each advanced only when passed, keep the scan linear for any mix of \r, \n, \r\n.
    if (nextCr >= 0 && nextCr < pos) nextCr = text.indexOf('\r', pos);
    if (nextLf >= 0 && nextLf < pos) nextLf = text.indexOf('\n', pos);
    const end = nextCr < 0 ? (nextLf < 0 ? length : nextLf) : nextLf < 0 ? nextCr : Math.min(nextCr, nextLf);
    let line = text.slice(pos, end);
    pos = end + 1;
    if (line === '') continue;
    if (line.charCodeAt(0) <= 0x20 || line.charCodeAt(line.length - 1) <= 0x20) {
      line = line.trim();
      if (line === '') continue;
    }
    sawContent = true;

    if (encoding === undefined) {
      if (isMshLine(line)) {
        const delimiters = readDelimiters(line);
        encoding = { delimiters, charset: charsetFor(line, delimiters) };
        const header = new Hl7Segment(line, encoding);
        checkHeader(header);
        segments.push(header);
        continue;
      }
      if (isEnvelopeLine(line)) continue;
      if (line === 'MSH') throw new Hl7ParseError('HL7_TRUNCATED', 'the MSH segment is empty');
      throw new Hl7ParseError('HL7_NO_MSH', 'the message does not start with an MSH segment');
    }

    const segment = new Hl7Segment(line, encoding);
    if (segment.name === 'MSH') {
      throw new Hl7ParseError(
        'HL7_MULTIPLE_MESSAGES',
        'the input holds more than one MSH; split the batch first',
        {
          controlId: segments[0].get(10),
        },
      );
    }
    if (ENVELOPE_SEGMENTS.has(segment.name)) continue;
    segments.push(segment);
  }

  if (encoding === undefined) {
    throw sawContent
      ? new Hl7ParseError('HL7_NO_MSH', 'the message has no MSH segment')
      : new Hl7ParseError('HL7_EMPTY', 'the message is empty');
  }
  return new Hl7Message(segments, encoding);
}

function checkHeader(header: Hl7Segment): void {
  // MSH-9 (message type) is the last field every message needs before anything can be routed.
  if (header.fieldCount < 9) {
    throw new Hl7ParseError('HL7_TRUNCATED', 'the MSH segment ends before MSH-9', {
      controlId: header.get(10),
    });
  }
  if (header.get(9, 1) === '') {
    throw new Hl7ParseError('HL7_NO_MESSAGE_TYPE', 'MSH-9 (message type) is empty', {
      controlId: header.get(10),
    });
  }
}
