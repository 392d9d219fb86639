import { Inject, Injectable, Optional } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { createSecretKey } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Principal } from '@bridge/contracts';
import { JWT_ALGORITHM, principalFromClaims, type JwtSettings } from './access-token';
import { SESSION_CHECK, type SessionCheck } from './session-check';

export const JWT_SETTINGS = Symbol('JWT_SETTINGS');

/** Verifies bearer tokens locally: pinned algorithm, issuer, audience and expiry. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(JWT_SETTINGS) settings: JwtSettings,
    @Optional() @Inject(SESSION_CHECK) private readonly sessions?: SessionCheck,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not the string: jsonwebtoken otherwise re-derives (and first tries to parse as a
      // public key) the secret on every verify, which was a quarter of the gateway's CPU under load.
      // (@types/passport-jwt predates KeyObject support; jsonwebtoken 9 accepts it.)
      secretOrKey: createSecretKey(Buffer.from(settings.secret, 'utf8')) as unknown as Buffer,
      algorithms: [JWT_ALGORITHM],
      issuer: settings.issuer,
      audience: settings.audience,
      ignoreExpiration: false,
    });
  }

  validate(claims: Record<string, unknown>): Principal | false | Promise<Principal | false> {
    const principal = principalFromClaims(claims);
    if (!principal) return false;
    if (principal.kind !== 'user') return principal;
    // A user session may have been revoked since it was signed (deactivation, a role taken away).
    if (!this.sessions) return false;
    return this.sessions.isCurrent(principal).then((current) => (current ? principal : false));
  }
}
