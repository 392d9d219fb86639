import type { INestMicroservice } from '@nestjs/common';
import { loadConfig, type ServiceAppOptions } from '@bridge/config';
import { createLogger, PinoNestLogger } from '@bridge/logging';
import { createBusMicroservice } from '@bridge/messaging';
import { PatientImportEnv } from './patient-import.config';
import { PatientImportModule } from './patient-import.module';

export async function createPatientImportApp(
  env: NodeJS.ProcessEnv = process.env,
  options: ServiceAppOptions = {},
): Promise<INestMicroservice> {
  const config = loadConfig(PatientImportEnv, env);
  const app = await createBusMicroservice(PatientImportModule.forRoot(config), {
    logger: options.logger ?? new PinoNestLogger(createLogger('patient-import', config.LOG_LEVEL)),
  });
  if (options.shutdownHooks) app.enableShutdownHooks();
  await app.listen();
  return app;
}
