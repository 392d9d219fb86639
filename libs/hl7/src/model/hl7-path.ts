import { Hl7ParseError } from './hl7.errors';

/** A parsed `SEG-field[.component[.subcomponent]]` path, 1-based as in the HL7 standard. */
export interface Hl7Path {
  readonly segment: string;
  readonly field: number;
  readonly component: number;
  readonly subcomponent: number;
}

const PATH = /^([A-Za-z][A-Za-z0-9]{2})-([1-9]\d{0,2})(?:\.([1-9]\d{0,2})(?:\.([1-9]\d{0,2}))?)?$/;
// Paths come from configuration (care-flow map, physician field), so the same few are parsed again
// and again on the hot path; the cache is bounded by the number of distinct configured paths.
const cache = new Map<string, Hl7Path>();
const CACHE_LIMIT = 1000;

export function isHl7Path(path: string): boolean {
  return PATH.test(path.trim());
}

/** Throws Hl7ParseError `HL7_BAD_PATH` for anything that is not `SEG-n`, `SEG-n.c` or `SEG-n.c.s`. */
export function parseHl7Path(path: string): Hl7Path {
  const cached = cache.get(path);
  if (cached) return cached;
  const match = PATH.exec(path.trim());
  if (!match) {
    throw new Hl7ParseError('HL7_BAD_PATH', `"${path}" is not an HL7 path like PID-3 or AIS-3.1`);
  }
  const parsed: Hl7Path = Object.freeze({
    segment: match[1].toUpperCase(),
    field: Number(match[2]),
    component: match[3] ? Number(match[3]) : 1,
    subcomponent: match[4] ? Number(match[4]) : 1,
  });
  if (cache.size < CACHE_LIMIT) cache.set(path, parsed);
  return parsed;
}
