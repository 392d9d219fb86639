import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Principal } from '@bridge/contracts';
import { JWT_ALGORITHM, principalFromClaims, type JwtSettings } from './access-token';

export const JWT_SETTINGS = Symbol('JWT_SETTINGS');

/** Verifies bearer tokens locally: pinned algorithm, issuer, audience and expiry. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(JWT_SETTINGS) settings: JwtSettings) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: settings.secret,
      algorithms: [JWT_ALGORITHM],
      issuer: settings.issuer,
      audience: settings.audience,
      ignoreExpiration: false,
    });
  }

  validate(claims: Record<string, unknown>): Principal | false {
    return principalFromClaims(claims) ?? false;
  }
}
