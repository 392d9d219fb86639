import { registerDecorator, type ValidationOptions } from 'class-validator';

/** Shared field rules for payload classes (contracts carry validation and OpenAPI metadata, no framework code). */
export const UUID_VERSION = 'all' as const;

/** Hospital identifiers are opaque strings: patient codes keep leading zeros and may hold letters. */
export const CODE_PATTERN = /^[^\s](.*[^\s])?$/;

export const DATE_PATTERN = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/** C0 control characters (U+0000–U+001F): MLLP framing bytes 0x0B/0x1C and CR split HL7 messages. */
const C0_CONTROL = /[\u0000-\u001f]/;

function hasControlCharacter(value: unknown): boolean {
  if (typeof value === 'string') return C0_CONTROL.test(value);
  if (Array.isArray(value)) return value.some(hasControlCharacter);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, entry]) => C0_CONTROL.test(key) || hasControlCharacter(entry));
  }
  return false;
}

/**
 * Refuses C0 control characters in a lookup or push field (for arrays and string maps: in every item,
 * key and value). These values travel into HL7 queries, URLs and hospital records, where a control
 * character splits a frame or a segment; no name, code or address needs one. Non-strings pass, for
 * the field's own type check to name.
 */
export function NoControlCharacters(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'noControlCharacters',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must not contain control characters`, ...options },
      validator: { validate: (value: unknown) => !hasControlCharacter(value) },
    });
}
