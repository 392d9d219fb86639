import type { Sex } from '@bridge/contracts';

/** Helpers shared by the flavour readers: hospitals send numbers, nulls and padding where strings belong. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A trimmed non-empty string, a number as written, else undefined. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

const SEXES: Record<string, Sex> = {
  m: 'male',
  male: 'male',
  f: 'female',
  female: 'female',
  o: 'other',
  other: 'other',
  a: 'other',
  u: 'unknown',
  unknown: 'unknown',
  n: 'unknown',
};

/** FHIR gender words and HL7 table 0001 letters, case-insensitive (HL7-RULES 15); anything else is unknown. */
export function sexOf(value: unknown): Sex {
  return SEXES[text(value)?.toLowerCase() ?? ''] ?? 'unknown';
}

/**
 * A birth date as the hospital wrote it, with its precision: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`. A time part is
 * dropped without any time-zone conversion (like HL7-RULES 14); anything else is no date at all.
 */
export function dateOf(value: unknown): string | undefined {
  const match = /^(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:$|T)/.exec(text(value) ?? '');
  return match?.[1];
}

/** Belgian INSZ/NISS and most national numbers are digits; dots and dashes are presentation (HL7-RULES 11). */
export function nationalNumberOf(value: unknown): string | undefined {
  const digits = text(value)?.replace(/\D/g, '');
  return digits ? digits : undefined;
}

/** Drops undefined values so candidates carry only what the hospital sent. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/** An address with at least one part, else undefined. */
export function addressOf(parts: {
  street?: string;
  city?: string;
  zip?: string;
  state?: string;
  country?: string;
}): { street?: string; city?: string; zip?: string; state?: string; country?: string } | undefined {
  const address = compact(parts);
  return Object.keys(address).length > 0 ? address : undefined;
}

/**
 * Reads a dotted path (`data.patients`, `names.0.given`, `names[0].given`) from parsed JSON.
 * The empty path is the value itself. Returns undefined when a step is missing.
 */
export function atPath(value: unknown, path: string): unknown {
  const steps = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((step) => step !== '');
  let current: unknown = value;
  for (const step of steps) {
    if (Array.isArray(current) && /^\d+$/.test(step)) current = current[Number(step)];
    else if (isObject(current) && Object.prototype.hasOwnProperty.call(current, step))
      current = current[step];
    else return undefined;
  }
  return current;
}
