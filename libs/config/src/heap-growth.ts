import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { setFlagsFromString } from 'node:v8';
import { loadConfig } from './load-config';

/**
 * How far V8 lets the old generation grow past what the last full collection kept, in percent, for the
 * processes that stream SIU files (siu-ingestor, and the embedded process, which runs it): 100 means a full
 * collection when the heap has doubled (Go's GOGC=100 makes the same trade).
 *
 * Left to itself, V8 multiplies the limit by up to 4 when collections are cheap: in a 100k-message SIU run the
 * embedded process kept about 60 MB alive and went past QUALITY.md's 300 MB resident, and siu-ingestor reached
 * 319 MB. Unlike `--max-old-space-size` this is no ceiling: a process that needs more memory gets it, with more
 * frequent full collections, instead of crashing. The other services keep V8's own choice: they stay under
 * 300 MB without it and patient-import paid CPU for it. The figures are in docker/README.md "Memory" (issue 17).
 */
export const STREAMING_HEAP_GROWTH_PERCENT = 100;

class HeapEnv {
  /** `0`: V8's own choice. */
  @IsOptional() @IsInt() @Min(0) @Max(1000) HEAP_GROWTH_PERCENT?: number;
}

/**
 * Applies HEAP_GROWTH_PERCENT (`0`: V8's own choice), or `fallback` when it is unset, before the process
 * allocates its working set. Node refuses this flag in NODE_OPTIONS, and a command-line flag would have to be
 * repeated by every launcher (npm start, compose, the tests, the benchmarks), so it is set where every process
 * starts. V8 reads it each time it sizes the heap after a collection, so setting it at run time takes effect
 * (benchmark P2 shows it: docker/README.md "Memory").
 */
export function applyHeapGrowth(fallback: number, env: NodeJS.ProcessEnv = process.env): void {
  const percent = heapGrowthPercent(env.HEAP_GROWTH_PERCENT, fallback);
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** Read like every other variable (loadConfig), before the service's own schema: a blank value is unset. */
export function heapGrowthPercent(value: string | undefined, fallback: number): number {
  return loadConfig(HeapEnv, { HEAP_GROWTH_PERCENT: value?.trim() }).HEAP_GROWTH_PERCENT ?? fallback;
}
