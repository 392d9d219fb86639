/**
 * Fault modes, chosen per request by the looked-up value (patient code or visit number), so one
 * running simulator serves every scenario and a test picks its fault per call. Refusal has no ID:
 * connect to `HospitalSim.refusedPort` instead.
 */
export const SIM_FAULTS = {
  /** NF reply / `total: 0` / empty Bundle. Any value not in the dataset does the same. */
  notFound: 'SIM-NOTFOUND',
  /** MSA AE with MSA-3 SIM_ERROR_TEXT and an ERR segment; HTTP 500 with the text. */
  error: 'SIM-ERROR',
  /** No answer: the connection stays open for `hangMs` (default: until close()), then is dropped. */
  hang: 'SIM-HANG',
  /** A framed blob that is not HL7; HTTP 200 `application/json` whose body is not JSON. */
  garbage: 'SIM-GARBAGE',
  /** A valid found reply whose MSA-2 is not the query's MSH-10 (MLLP only; HTTP answers normally). */
  mismatch: 'SIM-MISMATCH',
  /** Half a reply frame, then the connection is closed; HTTP: half a body, then the socket is destroyed. */
  close: 'SIM-CLOSE',
  /** MLLP: a whole reply after the start block, but never the end block (FS CR); the connection stays open. */
  unclosed: 'SIM-UNCLOSED',
  /** A correct answer after `slowMs` (default 1500 ms); SIM-SLOW is a real patient (Elise Lenteur). */
  slow: 'SIM-SLOW',
} as const;

export type SimFault = 'error' | 'hang' | 'garbage' | 'mismatch' | 'close' | 'unclosed' | 'slow';

/** The hospital's own error text for SIM-ERROR (MSA-3 / ERR-8, HTTP error body). */
export const SIM_ERROR_TEXT = 'Patient database offline';
/** ERR-3.2 / ERR-1.4.2 (HL7 table 0357 code 207). readQueryReply joins it after SIM_ERROR_TEXT. */
export const SIM_ERROR_CODE_TEXT = 'Application internal error';
/** The body SIM-GARBAGE answers, over MLLP and HTTP. */
export const SIM_GARBAGE_BODY =
  '<html><body><h1>502 Bad Gateway</h1>upstream \u0000\u00ff error</body></html>';
/** MSA-2 of the SIM-MISMATCH reply is this prefix plus the query's MSH-10. */
export const SIM_MISMATCH_PREFIX = 'OTHER-';

export const DEFAULT_SLOW_MS = 1500;

const FAULT_BY_VALUE: ReadonlyMap<string, SimFault> = new Map([
  [SIM_FAULTS.error, 'error'],
  [SIM_FAULTS.hang, 'hang'],
  [SIM_FAULTS.garbage, 'garbage'],
  [SIM_FAULTS.mismatch, 'mismatch'],
  [SIM_FAULTS.close, 'close'],
  [SIM_FAULTS.unclosed, 'unclosed'],
  [SIM_FAULTS.slow, 'slow'],
]);

/** The fault a looked-up value selects (exact, case-sensitive), or undefined for a normal lookup. */
export function faultOf(value: string): SimFault | undefined {
  return FAULT_BY_VALUE.get(value.trim());
}
