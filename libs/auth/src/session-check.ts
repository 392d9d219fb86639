import type { Principal } from '@bridge/contracts';

export const SESSION_CHECK = Symbol('SESSION_CHECK');

/**
 * Clinical-user sessions (`kind: 'user'`) are revocable: deactivating a user, or taking a role away,
 * bumps its session version, and a token carrying an older version must stop working at once. The
 * gateway provides this check; without one, user sessions are refused (fail closed).
 */
export interface SessionCheck {
  isCurrent(principal: Principal): Promise<boolean>;
}
