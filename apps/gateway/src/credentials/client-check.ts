import { Inject, Injectable } from '@nestjs/common';
import type { ClientCheck } from '@bridge/auth';
import type { GatewayEnv } from '@bridge/config';
import type { Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { GATEWAY_CONFIG } from './gateway-config';
import { ExpiringCache } from './expiring-cache';

/** The contract: a deactivated client's tokens fail within 60 s. */
const REVOCATION_BOUND_MS = 60_000;

/**
 * Is the API client a token was issued to still active? Asked of user-provisioning once per client per
 * CREDENTIAL_CHECK_INTERVAL_MS on each gateway instance, so the EMR's push traffic costs a map lookup per
 * request, not a bus round trip. Past the interval the last answer keeps serving while a background check
 * refreshes it, up to the 60 s the contract allows: a flooded user-provisioning (R11: thousands of failed
 * sign-ins) must not stall every EMR request behind its answer.
 */
@Injectable()
export class CachedClientCheck implements ClientCheck {
  private readonly cache: ExpiringCache<boolean>;

  constructor(
    private readonly bus: Bus,
    @Inject(GATEWAY_CONFIG) config: GatewayEnv,
  ) {
    this.cache = new ExpiringCache({
      ttlMs: config.CREDENTIAL_CHECK_INTERVAL_MS,
      staleMs: Math.max(0, REVOCATION_BOUND_MS - config.CREDENTIAL_CHECK_INTERVAL_MS),
      maxEntries: 10_000,
    });
  }

  isActive(principal: Principal): Promise<boolean> {
    return this.cache.get(principal.subject, async () => {
      const status = await this.bus.request('auth.client.status.v1', { clientId: principal.subject });
      return status.active;
    });
  }
}
