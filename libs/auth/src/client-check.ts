import type { Principal } from '@bridge/contracts';

export const CLIENT_CHECK = Symbol('CLIENT_CHECK');

/**
 * API-client tokens are revocable too: deactivating a client must end the tokens issued to it within
 * 60 s. The gateway provides this check (cached per client for a configurable interval); without one,
 * client tokens are refused (fail closed).
 */
export interface ClientCheck {
  isActive(principal: Principal): Promise<boolean>;
}
