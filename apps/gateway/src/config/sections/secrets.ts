import { KEPT_SECRET_PLACEHOLDER, SECRET_SET, isSecretSet } from '@bridge/contracts';

/**
 * A document value with every `{"secret": "set"}` at a secret path replaced by the placeholder the
 * services accept, and the list of those paths (the services keep the stored value there).
 */
export function withKeptSecrets<T>(
  wanted: T,
  secretPaths: readonly string[],
): { input: T; keepSecrets: string[] } {
  if (wanted === null || typeof wanted !== 'object') return { input: wanted, keepSecrets: [] };
  const input = structuredClone(wanted) as Record<string, unknown>;
  const keepSecrets: string[] = [];
  for (const path of secretPaths) {
    const parts = path.split('.');
    let parent: unknown = input;
    for (const part of parts.slice(0, -1)) {
      parent =
        parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[part] : undefined;
    }
    const last = parts[parts.length - 1];
    if (
      parent !== null &&
      typeof parent === 'object' &&
      isSecretSet((parent as Record<string, unknown>)[last])
    ) {
      (parent as Record<string, unknown>)[last] = KEPT_SECRET_PLACEHOLDER;
      keepSecrets.push(path);
    }
  }
  return { input: input as T, keepSecrets };
}

/** `{"secret": "set"}` when the stored value has it, else nothing (the key is left out). */
export function secretIf(set: boolean | undefined): { secret: 'set' } | undefined {
  return set ? { ...SECRET_SET } : undefined;
}

/** The RPC failed with NOT_FOUND: the hospital has none of this. */
export function isNotFound(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'NOT_FOUND';
}
