import type { INestMicroservice } from '@nestjs/common';
import { UserProvisioningEnv, type ServiceAppOptions } from '@bridge/config';
import { createServiceApp } from '@bridge/messaging';
import { UserProvisioningModule } from './user-provisioning.module';

/** Starts the service as a broker-driven Nest microservice (no HTTP of its own). */
export function createUserProvisioningApp(
  env: NodeJS.ProcessEnv = process.env,
  options: ServiceAppOptions = {},
): Promise<INestMicroservice> {
  return createServiceApp(
    'user-provisioning',
    UserProvisioningEnv,
    (config) => UserProvisioningModule.forRoot(config),
    env,
    options,
  );
}
