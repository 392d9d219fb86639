import { DomainError } from './errors';

/**
 * Keys that reach an object's prototype chain. class-transformer follows `constructor` and `prototype`
 * on nested objects (`{"roles":[{"constructor":1}]}` made it throw, a 500), and `__proto__` can rewrite
 * a prototype wherever a plain object is copied. No payload of ours uses them, so they are refused.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than any payload of ours; stops a deeply nested body before recursive code sees it. */
export const MAX_PAYLOAD_DEPTH = 32;

/**
 * Refuses, before any transformation, the shapes of untrusted JSON that no payload class can mean:
 * prototype keys at any depth and nesting beyond MAX_PAYLOAD_DEPTH. Iterative, so a deep body cannot
 * exhaust the stack here. Called by validatePayload, which both the HTTP pipe and every bus handler use.
 */
export function refuseUntrustedKeys(plain: unknown): void {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: plain, path: '', depth: 0 }];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_PAYLOAD_DEPTH) {
      throw refusal(path, `must not be nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
    }
    for (const key of Object.keys(value)) {
      const field = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key))
        throw refusal(field, `${JSON.stringify(key)} is not an accepted field name`);
      pending.push({ value: (value as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
}

function refusal(field: string, message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `Invalid request: ${field || 'body'} ${message}`, {
    errors: [{ field, message: `${field || 'body'} ${message}` }],
  });
}
