import { setFlagsFromString } from 'node:v8';
import { ConfigError } from './load-config';

/**
 * How far V8 lets the old generation grow past what the last full collection kept, in percent, for the
 * embedded process: 100 means a full collection when the heap has doubled (Go's GOGC=100 makes the same trade).
 *
 * Left to itself, V8 multiplies the limit by up to 4 when collections are cheap. In a 100k-message SIU run the
 * embedded process keeps about 60 MB alive, yet its heap grew to 270 MB and its resident memory to 380–420 MB,
 * past QUALITY.md's 300 MB for every process. At 100 the same run peaks at 280 MB with no CPU difference this
 * machine can measure (issue 17). Unlike `--max-old-space-size` this is no ceiling: a process that needs more
 * memory gets it, with more frequent full collections, instead of crashing.
 *
 * The services of the distributed topology keep V8's own choice: each holds a smaller part of the work and
 * peaked under 300 MB without it (patient-import 263–271 MB, siu-ingestor 277–294 MB), and patient-import
 * cost 0.33–0.40 ms per SIU message with it against 0.31–0.34 without, in four interleaved pairs.
 */
export const EMBEDDED_HEAP_GROWTH_PERCENT = 100;

/**
 * Applies HEAP_GROWTH_PERCENT (`0`: V8's own choice), or `fallback` when it is unset, before the process
 * allocates its working set. Node refuses this flag in NODE_OPTIONS, and a command-line flag would have to be
 * repeated by every launcher (npm start, compose, the tests, the benchmarks), so it is set where every process
 * starts. V8 reads it each time it sizes the heap after a collection, so setting it at run time takes effect
 * (P2 measured it: 280 MB against 400).
 */
export function applyHeapGrowth(fallback: number, env: NodeJS.ProcessEnv = process.env): void {
  const percent = heapGrowthPercent(env.HEAP_GROWTH_PERCENT, fallback);
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

export function heapGrowthPercent(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const percent = Number(value);
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000) {
    throw new ConfigError(['HEAP_GROWTH_PERCENT must be an integer from 0 (V8 decides) to 1000']);
  }
  return percent;
}
