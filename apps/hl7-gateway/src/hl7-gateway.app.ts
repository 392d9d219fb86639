import type { INestMicroservice } from '@nestjs/common';
import { Hl7GatewayEnv, loadConfig, type ServiceAppOptions } from '@bridge/config';
import { createLogger, PinoNestLogger } from '@bridge/logging';
import { createBusMicroservice } from '@bridge/messaging';
import { Hl7GatewayModule } from './hl7-gateway.module';

export async function createHl7GatewayApp(
  env: NodeJS.ProcessEnv = process.env,
  options: ServiceAppOptions = {},
): Promise<INestMicroservice> {
  const config = loadConfig(Hl7GatewayEnv, env);
  const app = await createBusMicroservice(Hl7GatewayModule.forRoot(config), {
    logger: options.logger ?? new PinoNestLogger(createLogger('hl7-gateway', config.LOG_LEVEL)),
  });
  if (options.shutdownHooks) app.enableShutdownHooks();
  await app.listen();
  return app;
}
