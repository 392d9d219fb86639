import type { INestMicroservice } from '@nestjs/common';
import { Hl7GatewayEnv, type ServiceAppOptions } from '@bridge/config';
import { createServiceApp } from '@bridge/messaging';
import { Hl7GatewayModule } from './hl7-gateway.module';

export function createHl7GatewayApp(
  env: NodeJS.ProcessEnv = process.env,
  options: ServiceAppOptions = {},
): Promise<INestMicroservice> {
  return createServiceApp(
    'hl7-gateway',
    Hl7GatewayEnv,
    (config) => Hl7GatewayModule.forRoot(config),
    env,
    options,
  );
}
