import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { DomainError, type FieldError } from '../errors';

/**
 * Options a configuration PUT takes when the gateway applies a whole configuration document
 * (PRODUCT.md "Configuration as code"). Both optional: an individual PUT behaves as before.
 */
export function IsDryRun(): PropertyDecorator {
  return (target, property) => {
    IsOptional()(target, property);
    IsBoolean()(target, property);
  };
}

/**
 * Secret paths (e.g. `auth.password`) whose stored value is kept: the document said `{"secret": "set"}`.
 * The input carries a placeholder there that passes validation; the service replaces it with the stored
 * value before anything else reads it, or refuses with a field error when nothing is stored.
 */
export function IsKeepSecrets(): PropertyDecorator {
  return (target, property) => {
    IsOptional()(target, property);
    IsArray()(target, property);
    ArrayMaxSize(10)(target, property);
    IsString({ each: true })(target, property);
    Length(1, 100, { each: true })(target, property);
  };
}

/** What the placeholder of a kept secret is: never stored (the service swaps it before saving). */
export const KEPT_SECRET_PLACEHOLDER = 'kept-secret-placeholder';

/**
 * The input with every kept secret taken from what is stored. `keep` names dotted paths; a path that is
 * not one of `secretPaths`, or that has nothing stored, is refused with a field error (400).
 */
export function keepStoredSecrets<T extends object>(
  input: T,
  keep: readonly string[] | undefined,
  secretPaths: readonly string[],
  stored: object | undefined,
): T {
  if (!keep?.length) return input;
  const copy = structuredClone(input) as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const path of keep) {
    const value = secretPaths.includes(path) && stored ? valueAt(stored, path) : undefined;
    if (typeof value !== 'string') {
      errors.push({ field: path, message: `${path} has no stored secret to keep: give its value` });
      continue;
    }
    const parts = path.split('.');
    const parent = valueAt(copy, parts.slice(0, -1).join('.'));
    if (parent === null || typeof parent !== 'object') {
      errors.push({ field: path, message: `${path} cannot be kept here` });
      continue;
    }
    (parent as Record<string, unknown>)[parts[parts.length - 1]] = value;
  }
  if (errors.length > 0) {
    throw new DomainError('VALIDATION_FAILED', errors.map((error) => error.message).join('; '), { errors });
  }
  return copy as T;
}

function valueAt(root: object, path: string): unknown {
  if (path === '') return root;
  let node: unknown = root;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
