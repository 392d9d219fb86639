/** Drops empty and undefined values, so results compare and serialise without `key: undefined`. */
export function compact<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], ''> } {
  const result: Record<string, unknown> = {};
  // for..in over a fresh literal: measurably cheaper than Object.entries on the extraction hot path.
  for (const key in value) {
    const entry = value[key];
    if (entry !== undefined && entry !== '') result[key] = entry;
  }
  return result as { [K in keyof T]?: Exclude<T[K], ''> };
}
