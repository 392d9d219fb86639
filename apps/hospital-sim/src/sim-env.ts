import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { loadConfig } from '@bridge/config';
import type { HospitalSimOptions } from './hospital-sim';

/** The environment of `npm run hospital-sim` (validated at boot, every bad variable named at once). */
export class SimEnv {
  @IsString() SIM_HOST: string = '127.0.0.1';
  @IsInt() @Min(0) @Max(65535) SIM_MLLP_PORT: number = 2575;
  @IsInt() @Min(0) @Max(65535) SIM_HTTP_PORT: number = 8089;
  @IsIn(['utf-8', 'latin1']) SIM_CHARSET: 'utf-8' | 'latin1' = 'utf-8';
  @IsOptional() @IsInt() @Min(1) SIM_HANG_MS?: number;
  @IsInt() @Min(0) SIM_SLOW_MS: number = 1500;
}

export function simOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): HospitalSimOptions {
  const config = loadConfig(SimEnv, env);
  return {
    host: config.SIM_HOST,
    mllpPort: config.SIM_MLLP_PORT,
    httpPort: config.SIM_HTTP_PORT,
    charset: config.SIM_CHARSET,
    hangMs: config.SIM_HANG_MS,
    slowMs: config.SIM_SLOW_MS,
  };
}
