import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { GatewayEnv } from '@bridge/config';
import type { Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { createHash } from 'node:crypto';
import { ExpiringCache } from './expiring-cache';
import { GATEWAY_CONFIG } from './gateway-config';

const SCIM_TOKEN_PREFIX = 'cbscim_';
const JwtGuard = AuthGuard('jwt');

/**
 * The SCIM endpoints take either an access token (JWT, scope `scim`) or a static SCIM token (`cbscim_...`)
 * made for an IdP that cannot do OAuth. A SCIM token's validity is cached per instance for
 * CREDENTIAL_CHECK_INTERVAL_MS, so a revoked one is refused everywhere within that interval.
 */
@Injectable()
export class ScimAuthGuard implements CanActivate {
  private readonly jwt = new JwtGuard();
  private readonly checks: ExpiringCache<{ hospitalId: string | null; tokenId: string | null }>;

  constructor(
    private readonly bus: Bus,
    @Inject(GATEWAY_CONFIG) config: GatewayEnv,
  ) {
    this.checks = new ExpiringCache({ ttlMs: config.CREDENTIAL_CHECK_INTERVAL_MS, maxEntries: 10_000 });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, unknown>; user?: Principal }>();
    const authorization = request.headers.authorization;
    const token =
      typeof authorization === 'string' && authorization.startsWith('Bearer ')
        ? authorization.slice(7).trim()
        : '';
    if (!token.startsWith(SCIM_TOKEN_PREFIX)) return this.jwt.canActivate(context) as Promise<boolean>;
    if (token.length > 200) return this.jwt.canActivate(context) as Promise<boolean>;
    const key = createHash('sha256').update(token).digest('hex');
    const check = await this.checks.get(key, () => this.bus.request('auth.scim-token.check.v1', { token }));
    // Unknown or revoked: the JWT guard refuses it with the same 401 as any bad token.
    if (!check.hospitalId || !check.tokenId) return this.jwt.canActivate(context) as Promise<boolean>;
    request.user = {
      kind: 'client',
      subject: `scim-token:${check.tokenId}`,
      hospitalId: check.hospitalId,
      scopes: ['scim'],
    };
    return true;
  }
}
