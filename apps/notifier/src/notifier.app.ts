import type { INestMicroservice } from '@nestjs/common';
import type { ServiceAppOptions } from '@bridge/config';
import { createServiceApp } from '@bridge/messaging';
import { NotifierEnv } from './notifier.config';
import { NotifierModule } from './notifier.module';

export function createNotifierApp(
  env: NodeJS.ProcessEnv = process.env,
  options: ServiceAppOptions = {},
): Promise<INestMicroservice> {
  return createServiceApp('notifier', NotifierEnv, (config) => NotifierModule.forRoot(config), env, options);
}
