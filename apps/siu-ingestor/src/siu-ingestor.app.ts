import type { INestMicroservice } from '@nestjs/common';
import type { ServiceAppOptions } from '@bridge/config';
import { createServiceApp } from '@bridge/messaging';
import { SiuIngestorEnv } from './siu-ingestor.config';
import { SiuIngestorModule } from './siu-ingestor.module';

export function createSiuIngestorApp(
  env: NodeJS.ProcessEnv = process.env,
  options: ServiceAppOptions = {},
): Promise<INestMicroservice> {
  return createServiceApp(
    'siu-ingestor',
    SiuIngestorEnv,
    (config) => SiuIngestorModule.forRoot(config),
    env,
    options,
  );
}
