import { decodeHl7Bytes, type Hl7Charset } from './hl7-charset';
import { DEFAULT_HL7_DELIMITERS, type Hl7Delimiters } from './hl7-delimiters';

/** What a leaf value needs to be decoded: the message's delimiters and its charset (for `\X..\`). */
export interface Hl7Encoding {
  readonly delimiters: Hl7Delimiters;
  readonly charset: Hl7Charset;
}

const HEX = /^(?:[0-9A-Fa-f]{2})+$/;

/**
 * Decodes escape sequences in one leaf value (rule 4). Called after splitting, so a decoded `|`
 * can never be mistaken for a separator. Unknown sequences are kept as text: a sender that forgot
 * to escape a backslash (`C:\temp\x`) must not lose characters.
 */
export function unescapeHl7(value: string, encoding: Hl7Encoding): string {
  const d = encoding.delimiters;
  const esc = d.escape;
  if (esc === '') return value;
  let start = value.indexOf(esc);
  if (start < 0) return value;

  let out = '';
  let cursor = 0;
  // Consecutive \X..\ sequences are decoded together so a multi-byte UTF-8 character split over two
  // sequences (`\XC3\\XA7\`) still decodes to one character.
  let hex = '';
  const flushHex = (): void => {
    if (hex !== '') {
      out += decodeHex(hex, encoding);
      hex = '';
    }
  };

  while (start >= 0) {
    const end = value.indexOf(esc, start + 1);
    if (end < 0) break; // unterminated: the rest is literal text
    if (start > cursor) {
      flushHex();
      out += value.slice(cursor, start);
    }
    const sequence = value.slice(start + 1, end);
    const first = sequence.charAt(0);
    if (first === 'X' && HEX.test(sequence.slice(1))) {
      hex += sequence.slice(1);
    } else {
      flushHex();
      const decoded = decodeSequence(sequence, d);
      out += decoded ?? esc + sequence + esc;
    }
    cursor = end + 1;
    start = value.indexOf(esc, cursor);
  }
  flushHex();
  return out + value.slice(cursor);
}

/** Bytes written as hex, read in the message charset; single bytes skip the Buffer round trip. */
function decodeHex(hex: string, encoding: Hl7Encoding): string {
  if (hex.length === 2) {
    const byte = Number.parseInt(hex, 16);
    if (byte < 0x80 || encoding.charset === 'latin1') return String.fromCharCode(byte);
  }
  return decodeHl7Bytes(Buffer.from(hex, 'hex'), encoding.charset);
}

function decodeSequence(sequence: string, d: Hl7Delimiters): string | undefined {
  switch (sequence) {
    case 'F':
      return d.field;
    case 'S':
      return d.component;
    case 'T':
      return d.subcomponent;
    case 'R':
      return d.repetition;
    case 'E':
      return d.escape;
    case 'P':
      return d.truncation || '#';
    case 'H': // highlight on/off: formatting only, the text between is kept
    case 'N':
      return '';
  }
  const first = sequence.charAt(0);
  if (first === '.') {
    // Formatted-text commands: a line break is content (it separates words), the rest is layout.
    return sequence === '.br' || sequence.startsWith('.sp') ? '\n' : '';
  }
  if ((first === 'C' || first === 'M') && HEX.test(sequence.slice(1))) {
    // ISO 2022 character-set switches: we decode with one charset per message, so they are dropped.
    return '';
  }
  return undefined;
}

/**
 * Escapes a value for an outbound message so that no delimiter, line break or other control character in it
 * can change the structure (a patient code containing `|` or `^` stays one value). Control characters (C0
 * and DEL) become `\Xhh\`: MLLP's own VT (0x0B) and FS (0x1C) in a value would otherwise let it end our
 * frame and start one of its own at the hospital.
 */
export function escapeHl7(value: string, d: Hl7Delimiters = DEFAULT_HL7_DELIMITERS): string {
  let out = '';
  let cursor = 0;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    let replacement: string | undefined;
    if (char === d.escape) replacement = 'E';
    else if (char === d.field) replacement = 'F';
    else if (char === d.component) replacement = 'S';
    else if (char === d.subcomponent) replacement = 'T';
    else if (char === d.repetition) replacement = 'R';
    else if (isControl(char))
      replacement = `X${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
    if (replacement !== undefined) {
      out += value.slice(cursor, i) + d.escape + replacement + d.escape;
      cursor = i + 1;
    }
  }
  return cursor === 0 ? value : out + value.slice(cursor);
}

/** C0 controls (CR, LF, MLLP's VT and FS among them) and DEL: never literal in an outbound value. */
function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}
