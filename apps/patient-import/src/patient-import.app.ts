import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { loadConfig, type ServiceAppOptions } from '@bridge/config';
import { createLogger, PinoNestLogger } from '@bridge/logging';
import { PatientImportEnv } from './patient-import.config';
import { PatientImportModule } from './patient-import.module';

export async function createPatientImportApp(
  env: NodeJS.ProcessEnv = process.env,
  options: ServiceAppOptions = {},
): Promise<INestApplicationContext> {
  const config = loadConfig(PatientImportEnv, env);
  const app = await NestFactory.createApplicationContext(PatientImportModule.forRoot(config), {
    logger: options.logger ?? new PinoNestLogger(createLogger('patient-import', config.LOG_LEVEL)),
  });
  if (options.shutdownHooks) app.enableShutdownHooks();
  await app.init();
  return app;
}
