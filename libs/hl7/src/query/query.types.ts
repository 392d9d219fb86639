import type { Demographics } from '../demographics/demographics.types';
import type { Hl7Charset } from '../model/hl7-charset';

export type Hl7QueryStyle = 'QRY_A19' | 'QBP_Q22';

/** The per-hospital query template (PRODUCT.md `connections/hl7`). */
export interface Hl7QueryTemplate {
  readonly queryStyle: Hl7QueryStyle;
  /** MSH-12. Default 2.3 for QRY^A19, 2.5 for QBP^Q22. */
  readonly version?: string;
  readonly sendingApplication?: string;
  readonly sendingFacility?: string;
  readonly receivingApplication?: string;
  readonly receivingFacility?: string;
  /** Assigning authority of the identifier (QRD-8 XCN.9, QPD `@PID.3.4.1`). */
  readonly patientIdAuthority?: string;
  readonly identifierTypeCodes?: { readonly patientCode?: string; readonly visitNumber?: string };
  /** Declared in MSH-18; the caller must encode the string with the same charset (`encodeHl7`). */
  readonly charset?: Hl7Charset;
  /** MSH-11, default `P`. */
  readonly processingId?: string;
  /** IANA zone for MSH-7/QRD-1 wall-clock time; default UTC (always written with its offset). */
  readonly timeZone?: string;
  /** QRD-7 / RCP-2 quantity limit, default 10 (a visit number can match several patients). */
  readonly maxCandidates?: number;
  /** QRY_A19 only: when set, a QRF segment is added with this QRF-1 (where subject filter). */
  readonly qrfWhereSubjectFilter?: string;
  /** QBP_Q22 only: QPD-1, default `IHE PDQ Query`. */
  readonly queryName?: string;
}

export interface Hl7QueryRequest {
  readonly by: 'patientCode' | 'visitNumber';
  readonly value: string;
  /** MSH-10 of the query; the reply's MSA-2 must equal it (rule 7). */
  readonly controlId: string;
  readonly at: Date;
}

export type QueryReplyStatus = 'found' | 'not_found' | 'hospital_error';

/** Why a reply is a hospital error, for the exchange journal (the text is for people). */
export type QueryReplyErrorReason =
  'CONTROL_ID_MISMATCH' | 'NO_MSA' | 'MSA_REJECTED' | 'QAK_REJECTED' | 'UNKNOWN_ACK_CODE';

export interface QueryReply {
  readonly status: QueryReplyStatus;
  readonly candidates: Demographics[];
  /** The hospital's own text (MSA-3, ERR) for a hospital error; our description when it gave none. */
  readonly errorText?: string;
  readonly reason?: QueryReplyErrorReason;
}

export interface QueryReplyOptions {
  readonly expectedControlId: string;
  readonly patientIdAuthority?: string;
  /** Rule 10 b; default `MR`, `MRN`, `PI`, `PT`. */
  readonly patientIdTypes?: readonly string[];
}
