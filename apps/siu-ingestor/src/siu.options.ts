/** siu-ingestor's tunables, from its environment (SiuIngestorEnv). */
export interface SiuOptions {
  superviseIntervalMs: number;
  staleMs: number;
  stallMs: number;
  applyBatch: number;
  schedules: boolean;
  /** The consumer's attempts (the event handler's maxAttempts): the last one records the message failed. */
  maxAttempts: number;
}

export const SIU_OPTIONS = Symbol('SIU_OPTIONS');
