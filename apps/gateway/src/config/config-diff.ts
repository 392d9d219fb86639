import { SECRET_SET, isSecretSet, type ConfigChangeV1 } from '@bridge/contracts';

/** Objects with their keys sorted, recursively: the exported document reads the same byte for byte. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The changes that turn `from` into `to`, by JSON path (`$.connections.hl7.port`, `$.scimGroupRoles[2].role`),
 * leaf by leaf: a whole new connection reads as one `added` per field. Arrays compare element by element,
 * an element only one side has is one change; an empty object or array is a value of its own.
 * Values under `secretPaths` (absolute dotted paths without `$.`) never appear: a stored one shows as
 * `{"secret": "set"}`, a new one as `{"secret": "new"}`.
 */
export function diff(
  from: unknown,
  to: unknown,
  secretPaths: readonly string[],
  path = '$',
): ConfigChangeV1[] {
  const secret = secretPaths.some((secretPath) => `$.${secretPath}` === path);
  if (!secret && (isObject(from) || isObject(to)) && !Array.isArray(from) && !Array.isArray(to)) {
    const before = isObject(from) ? from : {};
    const after = isObject(to) ? to : {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    if (keys.length > 0)
      return keys.flatMap((key) => diff(before[key], after[key], secretPaths, `${path}.${key}`));
  }
  if (!secret && (Array.isArray(from) || Array.isArray(to)) && !isObject(from) && !isObject(to)) {
    const before = Array.isArray(from) ? from : [];
    const after = Array.isArray(to) ? to : [];
    const length = Math.max(before.length, after.length);
    // An element only one side has is one change, shown whole (no section keeps secrets inside arrays).
    const element = (index: number): ConfigChangeV1[] =>
      index >= before.length
        ? [{ path: `${path}[${index}]`, change: 'added', to: canonical(after[index]) }]
        : index >= after.length
          ? [{ path: `${path}[${index}]`, change: 'removed', from: canonical(before[index]) }]
          : diff(before[index], after[index], secretPaths, `${path}[${index}]`);
    if (length > 0) return Array.from({ length }, (_, index) => element(index)).flat();
  }
  const absent = (value: unknown) => value === undefined || value === null;
  if (absent(from) && absent(to)) return [];
  if (JSON.stringify(canonical(from)) === JSON.stringify(canonical(to))) return [];
  const kept = isSecretSet(to);
  const shown = (value: unknown, stored: boolean) =>
    secret ? (stored ? SECRET_SET : { secret: 'new' }) : canonical(value);
  if (absent(from)) return [{ path, change: 'added', to: shown(to, kept) }];
  if (absent(to)) return [{ path, change: 'removed', from: shown(from, true) }];
  return [{ path, change: 'changed', from: shown(from, true), to: shown(to, kept) }];
}
