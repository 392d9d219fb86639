import type { UserProvisioningEnv } from '@bridge/config';

/** The validated environment of this service, injected where needed. */
export const USER_PROVISIONING_CONFIG = Symbol('USER_PROVISIONING_CONFIG');
export type UserProvisioningConfig = UserProvisioningEnv;
