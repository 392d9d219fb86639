import { SecretsDataServiceEnv } from '@bridge/config';
import { IsInt, Max, Min } from 'class-validator';

/** The environment of patient-import: every data service's variables plus its own. */
export class PatientImportEnv extends SecretsDataServiceEnv {
  /** How long a pull-import lookup can be confirmed (PRODUCT.md: 15 minutes by default). */
  @IsInt() @Min(1) @Max(86_400) IMPORT_SESSION_TTL_SECONDS: number = 900;
}
