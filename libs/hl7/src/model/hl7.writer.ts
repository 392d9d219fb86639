import { DEFAULT_HL7_DELIMITERS, type Hl7Delimiters } from './hl7-delimiters';
import { escapeHl7 } from './hl7-escape';

/** A component: a plain value or its subcomponents. Every value is escaped when written. */
export type Hl7ComponentValue = string | readonly string[];
/** A repetition: a plain value or its components. */
export type Hl7RepetitionValue = string | readonly Hl7ComponentValue[];
/** A field: one repetition, several, or nothing. */
export type Hl7FieldValue =
  Hl7RepetitionValue | { readonly repetitions: readonly Hl7RepetitionValue[] } | undefined;
/** Fields keyed by their HL7 number (`{ 9: ['QRY', 'A19'], 10: controlId }`), so nobody counts pipes. */
export type Hl7FieldMap = { readonly [field: number]: Hl7FieldValue };

function trimTrailingEmpty(values: string[]): string[] {
  let end = values.length;
  while (end > 0 && values[end - 1] === '') end--;
  return end === values.length ? values : values.slice(0, end);
}

function encodeComponent(value: Hl7ComponentValue, d: Hl7Delimiters): string {
  if (typeof value === 'string') return escapeHl7(value, d);
  return trimTrailingEmpty(value.map((sub) => escapeHl7(sub, d))).join(d.subcomponent);
}

function encodeRepetition(value: Hl7RepetitionValue, d: Hl7Delimiters): string {
  if (typeof value === 'string') return escapeHl7(value, d);
  return trimTrailingEmpty(value.map((component) => encodeComponent(component, d))).join(d.component);
}

export function encodeField(value: Hl7FieldValue, d: Hl7Delimiters = DEFAULT_HL7_DELIMITERS): string {
  if (value === undefined) return '';
  if (typeof value === 'object' && 'repetitions' in value) {
    return value.repetitions.map((repetition) => encodeRepetition(repetition, d)).join(d.repetition);
  }
  return encodeRepetition(value, d);
}

/**
 * One segment line (no terminator). For MSH, fields start at MSH-3: MSH-1 and MSH-2 are written
 * from the delimiters.
 */
export function encodeSegment(
  name: string,
  fields: Hl7FieldMap,
  d: Hl7Delimiters = DEFAULT_HL7_DELIMITERS,
): string {
  const isHeader = name === 'MSH';
  const first = isHeader ? 3 : 1;
  const numbers = Object.keys(fields).map(Number);
  const last = numbers.length === 0 ? 0 : Math.max(...numbers);
  const values: string[] = [];
  for (let index = first; index <= last; index++) values.push(encodeField(fields[index], d));
  const encodingCharacters = d.component + d.repetition + d.escape + d.subcomponent;
  const head = isHeader ? [name, encodingCharacters] : [name];
  return trimTrailingEmpty([...head, ...values]).join(d.field);
}

/** Segments joined with the standard `\r` terminator. */
export function encodeMessage(segments: readonly string[]): string {
  return segments.join('\r') + '\r';
}

/** Compares HL7 versions (`2.3.1` vs `2.5`) numerically; unknown parts count as 0. */
export function compareHl7Versions(left: string, right: string): number {
  const a = left.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const b = right.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
