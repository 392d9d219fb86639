import type { Hl7Charset } from '../../model/hl7-charset';
import type { Hl7QueryStyle } from '../query.types';

/** What fills a slot of a derived template when a query is built. */
export type ExampleSlot = 'controlId' | 'timestamp' | 'queryTimestamp' | 'queryId' | 'value';

/**
 * One ready-to-fill query: the example's text cut at the replaced leaves. `texts` has one more entry
 * than `slots`: building is `texts[0] + fill(slots[0]) + texts[1] + ...`, nothing is parsed.
 */
export interface ExampleQueryLayout {
  readonly texts: readonly string[];
  readonly slots: readonly ExampleSlot[];
}

/** How the example writes MSH-7 / QRD-1, kept so the hospital reads the precision it sent. */
export interface ExampleTimestampFormat {
  /** Digits of `YYYYMMDDHHMMSS` kept (4 to 14). */
  readonly digits: number;
  /** Fraction-of-second digits after a `.` (0 = none). */
  readonly fractionDigits: number;
  /** Whether a `+ZZZZ` / `-ZZZZ` offset follows. */
  readonly offset: boolean;
}

/**
 * The template derived once, at save time, from the hospital's example query. JSON-safe: it is stored
 * with the connection and read back as is.
 */
export interface DerivedQueryTemplate {
  readonly queryStyle: Hl7QueryStyle;
  /** MSH-9 as written, MSH-12.1: for display. */
  readonly messageType: string;
  readonly version: string;
  /** The example's own separators: filled values are escaped with them. */
  readonly delimiters: {
    readonly field: string;
    readonly component: string;
    readonly repetition: string;
    readonly escape: string;
    readonly subcomponent: string;
  };
  /** From a recognised MSH-18; the query must be encoded with it. */
  readonly charset?: Hl7Charset;
  /** Which lookup the example itself shows. */
  readonly exampleBy: 'patientCode' | 'visitNumber';
  /** HL7 path (e.g. `QRD-8.1`, `QPD-3(1).2`) of the identifier, for display. */
  readonly idPath: string;
  /** The assigning authority the example names for the identifier, if any. */
  readonly authority?: string;
  /** MSH-7 as the example writes it. */
  readonly timestamp: ExampleTimestampFormat;
  /** QRD-1 as the example writes it (a QRY^A19 may write it with another precision than MSH-7). */
  readonly queryTimestamp: ExampleTimestampFormat;
  readonly byPatientCode: ExampleQueryLayout;
  readonly byVisitNumber: ExampleQueryLayout;
  /** Human sentences on what was read and how the other lookup is placed. */
  readonly notes: readonly string[];
}

export type ExampleQueryProblem =
  | 'UNREADABLE'
  | 'NOT_A_QUERY'
  | 'UNSUPPORTED_VERSION'
  | 'NO_PATIENT_ID_FIELD'
  | 'AMBIGUOUS_ID_FIELD'
  | 'CARRIES_PATIENT_DATA';

/** The example cannot be used; `message` says why in words an integration engineer can act on. */
export class ExampleQueryError extends Error {
  override readonly name = 'ExampleQueryError';
  constructor(
    readonly problem: ExampleQueryProblem,
    message: string,
  ) {
    super(message);
  }
}
