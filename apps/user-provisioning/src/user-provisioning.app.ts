import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { loadConfig, UserProvisioningEnv, type ServiceAppOptions } from '@bridge/config';
import { createLogger, PinoNestLogger } from '@bridge/logging';
import { UserProvisioningModule } from './user-provisioning.module';

/** Starts the service as a broker-driven application context (no HTTP of its own). */
export async function createUserProvisioningApp(
  env: NodeJS.ProcessEnv = process.env,
  options: ServiceAppOptions = {},
): Promise<INestApplicationContext> {
  const config = loadConfig(UserProvisioningEnv, env);
  const app = await NestFactory.createApplicationContext(UserProvisioningModule.forRoot(config), {
    logger: options.logger ?? new PinoNestLogger(createLogger('user-provisioning', config.LOG_LEVEL)),
  });
  if (options.shutdownHooks) app.enableShutdownHooks();
  await app.init();
  return app;
}
