import type { DynamicModule, INestMicroservice } from '@nestjs/common';
import type { NestApplicationContextOptions } from '@nestjs/common/interfaces/nest-application-context-options.interface';
import { NestFactory } from '@nestjs/core';
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
