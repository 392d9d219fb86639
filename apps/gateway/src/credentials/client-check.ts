import { Inject, Injectable } from '@nestjs/common';
import type { ClientCheck } from '@bridge/auth';
import type { GatewayEnv } from '@bridge/config';
import type { Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { GATEWAY_CONFIG } from './gateway-config';
import { ExpiringCache } from './expiring-cache';

/**
 * Is the API client a token was issued to still active? Asked of user-provisioning once per client per
 * CREDENTIAL_CHECK_INTERVAL_MS on each gateway instance, so a deactivation ends the client's tokens on
 * every instance within that interval (default 30 s; the contract asks for 60 s) while the EMR's push
 * traffic costs a map lookup per request, not a bus round trip.
 */
@Injectable()
export class CachedClientCheck implements ClientCheck {
  private readonly cache: ExpiringCache<boolean>;

  constructor(
    private readonly bus: Bus,
    @Inject(GATEWAY_CONFIG) config: GatewayEnv,
  ) {
    this.cache = new ExpiringCache({ ttlMs: config.CREDENTIAL_CHECK_INTERVAL_MS, maxEntries: 10_000 });
  }

  isActive(principal: Principal): Promise<boolean> {
    return this.cache.get(principal.subject, async () => {
      const status = await this.bus.request('auth.client.status.v1', { clientId: principal.subject });
      return status.active;
    });
  }
}
