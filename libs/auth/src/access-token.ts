import jwt from 'jsonwebtoken';
import { SCOPES, type Principal, type Scope } from '@bridge/contracts';

/** One algorithm, pinned on both sides: a token signed any other way (or `none`) is refused. */
export const JWT_ALGORITHM = 'HS256' as const;

export interface JwtSettings {
  secret: string;
  issuer: string;
  audience: string;
}

interface AccessTokenClaims {
  sub: string;
  kind: Principal['kind'];
  hid: string | null;
  scope: string;
  /** Session version, on user sessions only. */
  sv?: number;
}

export function signAccessToken(principal: Principal, settings: JwtSettings & { ttlSeconds: number }): string {
  const claims: AccessTokenClaims = {
    sub: principal.subject,
    kind: principal.kind,
    hid: principal.hospitalId,
    scope: principal.scopes.join(' '),
    ...(principal.sessionVersion !== undefined ? { sv: principal.sessionVersion } : {}),
  };
  return jwt.sign(claims, settings.secret, {
    algorithm: JWT_ALGORITHM,
    issuer: settings.issuer,
    audience: settings.audience,
    expiresIn: settings.ttlSeconds,
  });
}

/** Turns verified claims into a principal; unknown scopes are dropped rather than trusted. */
export function principalFromClaims(claims: Partial<AccessTokenClaims>): Principal | undefined {
  if (typeof claims.sub !== 'string' || (claims.kind !== 'client' && claims.kind !== 'user')) return undefined;
  if (claims.hid !== null && typeof claims.hid !== 'string') return undefined;
  // A user session without its version could never be revoked: not a session we signed.
  if (claims.kind === 'user' && (typeof claims.hid !== 'string' || !Number.isInteger(claims.sv))) return undefined;
  const scopes = String(claims.scope ?? '')
    .split(' ')
    .filter((scope): scope is Scope => (SCOPES as readonly string[]).includes(scope));
  return {
    kind: claims.kind,
    subject: claims.sub,
    hospitalId: claims.hid ?? null,
    scopes,
    ...(claims.kind === 'user' ? { sessionVersion: claims.sv } : {}),
  };
}
