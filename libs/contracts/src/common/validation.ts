/** Shared field rules for payload classes (contracts carry validation and OpenAPI metadata, no framework code). */
export const UUID_VERSION = 'all' as const;

/** Hospital identifiers are opaque strings: patient codes keep leading zeros and may hold letters. */
export const CODE_PATTERN = /^[^\s](.*[^\s])?$/;

export const DATE_PATTERN = /^\d{4}(-\d{2}(-\d{2})?)?$/;
