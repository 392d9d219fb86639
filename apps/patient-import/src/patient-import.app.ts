import type { INestMicroservice } from '@nestjs/common';
import type { ServiceAppOptions } from '@bridge/config';
import { createServiceApp } from '@bridge/messaging';
import { PatientImportEnv } from './patient-import.config';
import { PatientImportModule } from './patient-import.module';

export function createPatientImportApp(
  env: NodeJS.ProcessEnv = process.env,
  options: ServiceAppOptions = {},
): Promise<INestMicroservice> {
  return createServiceApp(
    'patient-import',
    PatientImportEnv,
    (config) => PatientImportModule.forRoot(config),
    env,
    options,
  );
}
