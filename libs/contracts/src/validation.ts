import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { DomainError, type FieldError } from './errors';
import { refuseUntrustedKeys } from './untrusted-keys';
import { PayloadInstances } from './payload-instances';
import { memoizeValidationMetadata } from './validation-metadata-cache';
import { ValidationPlans, VALIDATOR_OPTIONS } from './validation-plan';

export { VALIDATOR_OPTIONS };

memoizeValidationMetadata();
const plans = new ValidationPlans();
const instances = new PayloadInstances();

/**
 * Validates an untrusted plain object against a payload class: unknown fields are refused, nested
 * objects are checked, and every problem is reported with its dotted path. Used by the HTTP pipe and
 * by every broker handler, so both boundaries refuse the same things the same way.
 */
export function validatePayload<T extends object>(
  payloadClass: new () => T,
  plain: unknown,
  options: { convertStrings?: boolean } = {},
): T {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new DomainError('VALIDATION_FAILED', 'The body must be a JSON object.', {
      errors: [{ field: '', message: 'must be a JSON object' }],
    });
  }
  refuseUntrustedKeys(plain);
  // Query strings arrive as text: `convertStrings` turns '20' into 20 by the declared type ('abc' into NaN, refused).
  // Fastify's query objects have no prototype, which class-transformer does not recognise as a plain object.
  const source = Object.getPrototypeOf(plain) === null ? { ...plain } : plain;
  // A JSON payload's instance is built from metadata planned once per class; class-transformer does the rest.
  const instance =
    (!options.convertStrings && instances.instantiate(payloadClass, source)) ||
    plainToInstance(payloadClass, source, { enableImplicitConversion: options.convertStrings ?? false });
  // Most payloads are valid: the plan says so at a fraction of the cost; class-validator words any refusal.
  if (plans.accepts(instance) === true) return instance;
  const problems = validateSync(instance, VALIDATOR_OPTIONS);
  if (problems.length > 0) {
    const errors = flattenValidationErrors(problems);
    throw new DomainError(
      'VALIDATION_FAILED',
      `Invalid request: ${errors.map((e) => e.message).join('; ')}`,
      {
        errors,
      },
    );
  }
  return instance;
}

export function flattenValidationErrors(problems: ValidationError[], parentPath = ''): FieldError[] {
  const flat: FieldError[] = [];
  for (const problem of problems) {
    const field = parentPath ? `${parentPath}.${problem.property}` : problem.property;
    for (const message of Object.values(problem.constraints ?? {})) {
      flat.push({ field, message: message.replace(problem.property, field) });
    }
    if (problem.children?.length) flat.push(...flattenValidationErrors(problem.children, field));
  }
  return flat;
}
