/** Settings of pull imports, from the validated environment (PatientImportEnv). */
export interface ImportsOptions {
  /** How long a lookup's candidates can be confirmed (IMPORT_SESSION_TTL_SECONDS, default 15 min). */
  sessionTtlSeconds: number;
}

export const IMPORTS_OPTIONS = Symbol('IMPORTS_OPTIONS');
