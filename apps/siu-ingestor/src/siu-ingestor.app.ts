import type { INestMicroservice } from '@nestjs/common';
import { loadConfig, type ServiceAppOptions } from '@bridge/config';
import { createLogger, PinoNestLogger } from '@bridge/logging';
import { createBusMicroservice } from '@bridge/messaging';
import { SiuIngestorEnv } from './siu-ingestor.config';
import { SiuIngestorModule } from './siu-ingestor.module';

export async function createSiuIngestorApp(
  env: NodeJS.ProcessEnv = process.env,
  options: ServiceAppOptions = {},
): Promise<INestMicroservice> {
  const config = loadConfig(SiuIngestorEnv, env);
  const app = await createBusMicroservice(SiuIngestorModule.forRoot(config), {
    logger: options.logger ?? new PinoNestLogger(createLogger('siu-ingestor', config.LOG_LEVEL)),
  });
  if (options.shutdownHooks) app.enableShutdownHooks();
  await app.listen();
  return app;
}
