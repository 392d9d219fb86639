import type { DynamicModule, INestMicroservice } from '@nestjs/common';
import type { NestApplicationContextOptions } from '@nestjs/common/interfaces/nest-application-context-options.interface';
import { NestFactory } from '@nestjs/core';
import { loadConfig, type ServiceAppOptions } from '@bridge/config';
import { createLogger, PinoNestLogger } from '@bridge/logging';
import type { AsyncMicroserviceOptions } from '@nestjs/microservices';
import { BusServer } from './bus.server';
import { PassErrorsToBusFilter } from './pass-through.filter';

/**
 * Creates a service as a Nest microservice whose transport is its MessagingModule's BusServer, with the
 * filter that lets handler errors reach the server. Call `listen()` on the result to start serving.
 */
export async function createBusMicroservice(
  module: DynamicModule,
  options: NestApplicationContextOptions = {},
): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice<AsyncMicroserviceOptions>(module, {
    ...options,
    inject: [BusServer],
    useFactory: (server: BusServer) => ({ strategy: server }),
  });
  app.useGlobalFilters(new PassErrorsToBusFilter());
  return app;
}

/**
 * A data service's `create<Service>App`: reads and checks its configuration (`envSchema`), builds its root
 * module from it, starts it as a bus microservice with its own logger (or the host's), and serves.
 */
export async function createServiceApp<Config extends { LOG_LEVEL: string }>(
  name: string,
  envSchema: new () => Config,
  moduleFor: (config: Config) => DynamicModule,
  env: NodeJS.ProcessEnv,
  options: ServiceAppOptions,
): Promise<INestMicroservice> {
  const config = loadConfig(envSchema, env);
  const app = await createBusMicroservice(moduleFor(config), {
    logger: options.logger ?? new PinoNestLogger(createLogger(name, config.LOG_LEVEL)),
  });
  if (options.shutdownHooks) app.enableShutdownHooks();
  await app.listen();
  return app;
}
