import { Injectable } from '@nestjs/common';
import type { SessionCheck } from '@bridge/auth';
import type { Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A user session is current while the user is active, its session version unchanged and it was not logged out. The gateway asks
 * user-provisioning on every request that carries one (a primary-key lookup): revocation takes effect at
 * once on every gateway instance, with no cache to invalidate and no event to miss. API-client tokens
 * (the EMR's high-volume traffic) never take this path.
 */
@Injectable()
export class BusSessionCheck implements SessionCheck {
  constructor(private readonly bus: Bus) {}

  async isCurrent(principal: Principal): Promise<boolean> {
    const { hospitalId, subject, sessionVersion, sessionId } = principal;
    if (!hospitalId || !UUID.test(hospitalId) || !UUID.test(subject)) return false;
    if (!Number.isInteger(sessionVersion) || sessionVersion! < 0) return false;
    const check = await this.bus.request('users.session.check.v1', {
      hospitalId,
      userId: subject,
      sessionVersion: sessionVersion!,
      ...(sessionId ? { sessionId } : {}),
    });
    return check.current;
  }
}
