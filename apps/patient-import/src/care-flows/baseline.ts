import { DomainError, type CareFlowDefinitionViewV1, type FieldError } from '@bridge/contracts';

const FORMATS: Record<string, { pattern: RegExp; hint: string }> = {
  date: { pattern: /^\d{4}-\d{2}-\d{2}$/, hint: 'YYYY-MM-DD' },
  datetime: {
    pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/,
    hint: 'YYYY-MM-DDTHH:mm',
  },
  number: { pattern: /^-?\d+(\.\d+)?$/, hint: 'a decimal number' },
};

/**
 * Checks a care flow's baseline against its definition: every value a string in the field's format,
 * no unknown keys, every required field present and non-empty. All problems are reported together
 * as 422 BASELINE_INVALID with one entry per field.
 */
export function assertValidBaseline(
  definition: Pick<CareFlowDefinitionViewV1, 'key' | 'baseline'>,
  baseline: Record<string, unknown>,
): Record<string, string> {
  const errors: FieldError[] = [];
  const fields = new Map(definition.baseline.map((field) => [field.key, field]));
  for (const [key, value] of Object.entries(baseline)) {
    const field = fields.get(key);
    if (!field) {
      errors.push({
        field: `baseline.${key}`,
        message: `${key} is not a baseline field of ${definition.key}`,
      });
    } else if (typeof value !== 'string') {
      errors.push({ field: `baseline.${key}`, message: `${key} must be a string` });
    } else if (value !== '' && FORMATS[field.type] && !FORMATS[field.type].pattern.test(value)) {
      errors.push({ field: `baseline.${key}`, message: `${key} must be ${FORMATS[field.type].hint}` });
    }
  }
  for (const field of definition.baseline) {
    const value = baseline[field.key];
    if (field.required && (value === undefined || value === '')) {
      errors.push({
        field: `baseline.${field.key}`,
        message: `${field.key} is required by ${definition.key}`,
      });
    }
  }
  if (errors.length > 0) {
    throw new DomainError('BASELINE_INVALID', `The baseline does not fit ${definition.key}.`, { errors });
  }
  return baseline as Record<string, string>;
}
