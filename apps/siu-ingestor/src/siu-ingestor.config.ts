import { SecretsDataServiceEnv } from '@bridge/config';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

/** The environment of siu-ingestor: every data service's variables plus its own. */
export class SiuIngestorEnv extends SecretsDataServiceEnv {
  /** How often each instance checks running runs (finished, stalled, orphaned) and reloads schedules. */
  @IsInt() @Min(50) @Max(60_000) SIU_SUPERVISE_INTERVAL_MS: number = 1000;
  /** A run whose fetching instance has not been heard of for this long was interrupted (the instance died). */
  @IsInt() @Min(1000) @Max(3_600_000) SIU_RUN_STALE_MS: number = 60_000;
  /** A run whose messages have not progressed for this long ends failed, its unprocessed messages reported. */
  @IsInt() @Min(1000) @Max(86_400_000) SIU_RUN_STALL_MS: number = 900_000;
  /** How many messages are applied in one patient-import transaction (1 = one by one). */
  @IsInt() @Min(1) @Max(500) SIU_APPLY_BATCH: number = 100;
  /** `off`: this instance runs no schedules (runs still start with "run now"). */
  @IsIn(['on', 'off']) SIU_SCHEDULES: 'on' | 'off' = 'on';
  /**
   * Colon-separated folders a `directory` source and its archive must resolve inside (symlinks followed).
   * Unset: no directory source is accepted (the embedded default sets `DATA_DIR/siu`).
   */
  @IsOptional() @IsString() SIU_DIRECTORY_ROOTS?: string;
  /** The platform's data directory: never readable by a directory source, except its `siu` folder. */
  @IsOptional() @IsString() DATA_DIR?: string;
  /** The gateway's port, when known here (embedded): no SIU listener may take it. */
  @IsOptional() @IsInt() @Min(0) @Max(65535) PORT?: number;
}
