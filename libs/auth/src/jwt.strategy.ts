import { Inject, Injectable, Optional } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import jwt from 'jsonwebtoken';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Principal } from '@bridge/contracts';
import { JWT_ALGORITHM, principalFromClaims, type JwtSettings } from './access-token';
import { CLIENT_CHECK, type ClientCheck } from './client-check';
import { SESSION_CHECK, type SessionCheck } from './session-check';
import { VerificationKeys } from './verification-keys';
import { VerifiedTokens } from './verified-tokens';

export const JWT_SETTINGS = Symbol('JWT_SETTINGS');

const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * Verifies bearer tokens locally with the public key their `kid` names: pinned algorithm (ES256 only, so
 * `none` and HS256-with-the-public-key are refused), issuer, audience and expiry. Then asks whether the
 * session (user tokens) or the client (client tokens) is still current.
 *
 * A token that verified is remembered (VerifiedTokens): its next requests skip the signature check, not
 * the expiry, the key still being published, nor the client or session check.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly verified = new VerifiedTokens({ maxEntries: 10_000 });

  constructor(
    @Inject(JWT_SETTINGS) settings: JwtSettings,
    private readonly keys: VerificationKeys,
    @Optional() @Inject(SESSION_CHECK) private readonly sessions?: SessionCheck,
    @Optional() @Inject(CLIENT_CHECK) private readonly clients?: ClientCheck,
  ) {
    super({
      jwtFromRequest: bearerToken,
      passReqToCallback: true,
      // (@types/passport-jwt predates KeyObject support; jsonwebtoken 9 accepts it.)
      secretOrKeyProvider: (
        _request: unknown,
        rawToken: string,
        done: (error: unknown, key?: Buffer) => void,
      ) => {
        const header = headerOf(rawToken);
        if (
          !header ||
          header.alg !== JWT_ALGORITHM ||
          typeof header.kid !== 'string' ||
          header.kid.length > 100
        ) {
          return done(new Error('token not signed with a known key'));
        }
        keys.keyFor(header.kid).then(
          (key) => (key ? done(null, key as unknown as Buffer) : done(new Error('unknown signing key'))),
          (error: unknown) => done(error),
        );
      },
      algorithms: [JWT_ALGORITHM],
      issuer: settings.issuer,
      audience: settings.audience,
      ignoreExpiration: false,
    });
  }

  /** Passport's entry point: a remembered token goes straight to validate(), any other through passport-jwt. */
  override authenticate(request: Parameters<Strategy['authenticate']>[0], options?: object): void {
    const token = bearerToken(request);
    const known = token ? this.verified.get(token) : undefined;
    if (!known) return super.authenticate(request, options);
    this.keys.keyFor(known.kid).then(
      async (key) => {
        const principal = key ? await this.principalOf(known.claims) : false;
        if (principal) this.success(principal);
        else this.fail(key ? 'token no longer current' : 'unknown signing key', 401);
      },
      (error: unknown) => this.error(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** Called by passport-jwt once the token verified: remembers it, then checks client or session. */
  validate(
    request: Parameters<Strategy['authenticate']>[0],
    claims: Record<string, unknown>,
  ): Principal | false | Promise<Principal | false> {
    const token = bearerToken(request);
    const kid = token ? headerOf(token)?.kid : undefined;
    if (token && typeof kid === 'string') this.verified.remember(token, { kid, claims });
    return this.principalOf(claims);
  }

  private principalOf(claims: Record<string, unknown>): Principal | false | Promise<Principal | false> {
    const principal = principalFromClaims(claims);
    if (!principal) return false;
    if (principal.kind === 'client') {
      // A deactivated client's tokens stop working (within the check's cache interval).
      if (!this.clients) return false;
      return this.clients.isActive(principal).then((active) => (active ? principal : false));
    }
    // A user session may have been revoked since it was signed (logout, deactivation, a role taken away).
    if (!this.sessions) return false;
    return this.sessions.isCurrent(principal).then((current) => (current ? principal : false));
  }
}

/** The unverified header, or undefined for anything that does not decode (never a throw: that would be a 500). */
function headerOf(rawToken: string): jwt.JwtHeader | undefined {
  try {
    return jwt.decode(rawToken, { complete: true })?.header;
  } catch {
    return undefined;
  }
}
