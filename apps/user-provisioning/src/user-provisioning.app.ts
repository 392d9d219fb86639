import type { INestMicroservice } from '@nestjs/common';
import { loadConfig, UserProvisioningEnv, type ServiceAppOptions } from '@bridge/config';
import { createLogger, PinoNestLogger } from '@bridge/logging';
import { createBusMicroservice } from '@bridge/messaging';
import { UserProvisioningModule } from './user-provisioning.module';

/** Starts the service as a broker-driven application context (no HTTP of its own). */
export async function createUserProvisioningApp(
  env: NodeJS.ProcessEnv = process.env,
  options: ServiceAppOptions = {},
): Promise<INestMicroservice> {
  const config = loadConfig(UserProvisioningEnv, env);
  const app = await createBusMicroservice(UserProvisioningModule.forRoot(config), {
    logger: options.logger ?? new PinoNestLogger(createLogger('user-provisioning', config.LOG_LEVEL)),
  });
  if (options.shutdownHooks) app.enableShutdownHooks();
  await app.listen();
  return app;
}
