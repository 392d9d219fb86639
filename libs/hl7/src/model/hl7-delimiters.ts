import { Hl7ParseError } from './hl7.errors';

/**
 * The delimiters one message declares in MSH-1/MSH-2 (or FHS/BHS). An empty string means the
 * sender declared no such character (some old systems send only `^~\`), so nothing is split on it.
 */
export interface Hl7Delimiters {
  readonly field: string;
  readonly component: string;
  readonly repetition: string;
  readonly escape: string;
  readonly subcomponent: string;
  /** v2.7 truncation character (5th character of MSH-2), only used to decode `\P\`. */
  readonly truncation: string;
}

export const DEFAULT_HL7_DELIMITERS: Hl7Delimiters = Object.freeze({
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
  truncation: '',
});

/** Segments that declare their own delimiters in field 1 and 2. */
export const HEADER_SEGMENTS: ReadonlySet<string> = new Set(['MSH', 'FHS', 'BHS']);

function isUsableDelimiter(char: string): boolean {
  const code = char.charCodeAt(0);
  // Letters, digits and whitespace would make every value ambiguous; control characters are line junk.
  if (code <= 0x20 || code === 0x7f) return false;
  return !/[A-Za-z0-9]/.test(char);
}

/** Reads the delimiters from a header line (`MSH|^~\&|...`). Throws HL7_BAD_DELIMITERS. */
export function readDelimiters(line: string): Hl7Delimiters {
  // Nearly every message uses the standard set; sharing one frozen object also saves an allocation.
  if (line.startsWith('|^~\\&|', 3)) return DEFAULT_HL7_DELIMITERS;
  const field = line.charAt(3);
  if (field === '' || !isUsableDelimiter(field)) {
    throw new Hl7ParseError('HL7_BAD_DELIMITERS', `${line.slice(0, 3)}-1 is not a usable field separator`);
  }
  const end = line.indexOf(field, 4);
  const encoding = end < 0 ? line.slice(4) : line.slice(4, end);
  if (encoding.length < 1 || encoding.length > 5) {
    throw new Hl7ParseError(
      'HL7_BAD_DELIMITERS',
      `${line.slice(0, 3)}-2 must hold 1 to 5 encoding characters`,
    );
  }
  const seen = new Set<string>([field]);
  for (const char of encoding) {
    if (!isUsableDelimiter(char) || seen.has(char)) {
      throw new Hl7ParseError(
        'HL7_BAD_DELIMITERS',
        `${line.slice(0, 3)}-2 holds an unusable or repeated character`,
      );
    }
    seen.add(char);
  }
  return {
    field,
    component: encoding.charAt(0),
    repetition: encoding.charAt(1),
    escape: encoding.charAt(2),
    subcomponent: encoding.charAt(3),
    truncation: encoding.charAt(4),
  };
}

/**
 * Rule 29: the delimiters that can still be trusted in a header whose MSH-2 cannot be read (a
 * multi-byte character where `~` belongs, a repeated character). MSH-1 locates every field; MSH-2 is
 * read up to its first character that is not a usable ASCII delimiter, since a damaged byte shifts
 * every character after it. Undefined when MSH-1 itself is unusable.
 */
export function recoverDelimiters(line: string): Hl7Delimiters | undefined {
  try {
    return readDelimiters(line);
  } catch {
    // Fall through to the lenient reading below.
  }
  const field = line.charAt(3);
  if (field === '' || !isUsableDelimiter(field)) return undefined;
  const trusted: string[] = [];
  for (let i = 4; i < line.length && trusted.length < 5; i++) {
    const char = line.charAt(i);
    if (char === field || char.charCodeAt(0) > 0x7e || !isUsableDelimiter(char) || trusted.includes(char))
      break;
    trusted.push(char);
  }
  return {
    field,
    component: trusted[0] ?? '',
    repetition: trusted[1] ?? '',
    escape: trusted[2] ?? '',
    subcomponent: trusted[3] ?? '',
    truncation: trusted[4] ?? '',
  };
}
