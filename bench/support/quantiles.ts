/** The value at `quantile` (0-1) of ascending `sorted`: the nearest rank at or below it, the last for 1. */
export function quantileOfSorted(sorted: readonly number[], quantile: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))];
}

/** The median of `values` (the upper middle one of an even count), leaving them in their order. */
export function median(values: readonly number[]): number {
  return quantileOfSorted(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}
