import type { INestMicroservice } from '@nestjs/common';
import { loadConfig, type ServiceAppOptions } from '@bridge/config';
import { createLogger, PinoNestLogger } from '@bridge/logging';
import { createBusMicroservice } from '@bridge/messaging';
import { NotifierEnv } from './notifier.config';
import { NotifierModule } from './notifier.module';

export async function createNotifierApp(
  env: NodeJS.ProcessEnv = process.env,
  options: ServiceAppOptions = {},
): Promise<INestMicroservice> {
  const config = loadConfig(NotifierEnv, env);
  const app = await createBusMicroservice(NotifierModule.forRoot(config), {
    logger: options.logger ?? new PinoNestLogger(createLogger('notifier', config.LOG_LEVEL)),
  });
  if (options.shutdownHooks) app.enableShutdownHooks();
  await app.listen();
  return app;
}
