/** Drops empty and undefined values, so results compare and serialise without `key: undefined`. */
export function compact<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], ''> } {
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== undefined && entry !== '') result[key] = entry;
  }
  return result as { [K in keyof T]?: Exclude<T[K], ''> };
}
