import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { loadConfig } from '@bridge/config';
import type { HospitalSimOptions } from './hospital-sim';
import { DEFAULT_SFTP_USERNAME } from './sftp/sim-sftp';

/** The environment of `npm run hospital-sim` (validated at boot, every bad variable named at once). */
export class SimEnv {
  @IsString() SIM_HOST: string = '127.0.0.1';
  @IsInt() @Min(0) @Max(65535) SIM_MLLP_PORT: number = 2575;
  @IsInt() @Min(0) @Max(65535) SIM_HTTP_PORT: number = 8089;
  @IsIn(['utf-8', 'latin1']) SIM_CHARSET: 'utf-8' | 'latin1' = 'utf-8';
  @IsOptional() @IsInt() @Min(1) SIM_HANG_MS?: number;
  @IsInt() @Min(0) SIM_SLOW_MS: number = 1500;
  @IsInt() @Min(0) @Max(65535) SIM_SFTP_PORT: number = 2222;
  /** Served as the SFTP root `/`; created when missing. */
  @IsString() SIM_SFTP_ROOT: string = '.data/sim-sftp';
  @IsString() @Length(1, 100) SIM_SFTP_USER: string = DEFAULT_SFTP_USERNAME;
  /** Unset: a random password per start, printed with the other start-up lines. */
  @IsOptional() @IsString() @Length(1, 500) SIM_SFTP_PASSWORD?: string;
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
    sftp: {
      root: config.SIM_SFTP_ROOT,
      port: config.SIM_SFTP_PORT,
      username: config.SIM_SFTP_USER,
      ...(config.SIM_SFTP_PASSWORD !== undefined ? { password: config.SIM_SFTP_PASSWORD } : {}),
    },
  };
}
