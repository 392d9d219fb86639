import type { Hl7Charset } from '../model/hl7-charset';

export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';

/**
 * What an ACK needs from the message it answers. Application and facility are HD values: a plain
 * string is the namespace id, an array is its components (namespace, universal id, type).
 */
export interface AckTarget {
  readonly controlId: string;
  readonly sendingApplication?: string | readonly string[];
  readonly sendingFacility?: string | readonly string[];
  readonly receivingApplication?: string | readonly string[];
  readonly receivingFacility?: string | readonly string[];
  readonly version?: string;
  /** MSH-9.2 of the received message, echoed in the ACK's MSH-9.2. */
  readonly event?: string;
  /** MSH-11 of the received message, echoed (default `P`). */
  readonly processingId?: string;
  /** Declared in MSH-18 of the ACK; encode the ACK with it. */
  readonly charset?: Hl7Charset;
}

export interface AckOptions {
  readonly code: AckCode;
  /** MSA-3 (and ERR-8 from v2.5): why the message was not accepted. Never put PHI in it. */
  readonly text?: string;
  /** MSH-10 of the ACK itself. */
  readonly controlId: string;
  readonly at: Date;
  /** HL7 table 0357 code for the ERR segment of an error ACK; default 207 (application internal error). */
  readonly errorCode?: string;
  readonly timeZone?: string;
}

export interface RejectAckOptions extends Omit<AckOptions, 'code'> {
  /** Default `AR`: the message could not even be parsed. */
  readonly code?: AckCode;
  /** Our own MSH-3/MSH-4 when the damaged message does not tell who it was sent to. */
  readonly sendingApplication?: string;
  readonly sendingFacility?: string;
}
