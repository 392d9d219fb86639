import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { loadConfig } from '@bridge/config';
import { createLogger, PinoNestLogger } from '@bridge/logging';
import { SiuIngestorEnv } from './siu-ingestor.config';
import { SiuIngestorModule } from './siu-ingestor.module';

export async function createSiuIngestorApp(
  env: NodeJS.ProcessEnv = process.env,
  options: { shutdownHooks?: boolean } = {},
): Promise<INestApplicationContext> {
  const config = loadConfig(SiuIngestorEnv, env);
  const app = await NestFactory.createApplicationContext(SiuIngestorModule.forRoot(config), {
    logger: new PinoNestLogger(createLogger('siu-ingestor', config.LOG_LEVEL)),
  });
  if (options.shutdownHooks) app.enableShutdownHooks();
  await app.init();
  return app;
}
