// Test-only: how an instance PayloadInstances built differs from class-transformer's, for the spec and the jest cross-check.

/** Where two values differ (prototype, keys and their order, primitives), or undefined when they do not. */
export function differenceBetween(built: unknown, expected: unknown, path: string): string | undefined {
  if (typeof built !== 'object' || built === null || typeof expected !== 'object' || expected === null) {
    return Object.is(built, expected)
      ? undefined
      : `${path}: built ${String(built)}, class-transformer ${String(expected)}`;
  }
  if (Object.getPrototypeOf(built) !== Object.getPrototypeOf(expected)) {
    return `${path}: built a ${built.constructor?.name}, class-transformer a ${expected.constructor?.name}`;
  }
  const keys = Object.keys(built);
  if (keys.join() !== Object.keys(expected).join()) {
    return `${path}: built keys ${keys.join()}, class-transformer ${Object.keys(expected).join()}`;
  }
  for (const key of keys) {
    const difference = differenceBetween(
      (built as Record<string, unknown>)[key],
      (expected as Record<string, unknown>)[key],
      `${path}.${key}`,
    );
    if (difference) return difference;
  }
  return undefined;
}
