import jwt from 'jsonwebtoken';
import type { KeyObject } from 'node:crypto';
import { SCOPES, type Principal, type Scope } from '@bridge/contracts';

/**
 * One asymmetric algorithm, pinned on both sides: a token signed any other way (`none`, HS256 with the
 * public key as its secret, RS256) is refused. The private key lives in user-provisioning only; every
 * other service holds public keys, which can verify but never sign.
 */
export const JWT_ALGORITHM = 'ES256' as const;

export interface JwtSettings {
  issuer: string;
  audience: string;
}

/** The private half of a signing key and its key id (`kid` in the token header). */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

interface AccessTokenClaims {
  sub: string;
  kind: Principal['kind'];
  hid: string | null;
  scope: string;
  /** Session version, on user sessions only. */
  sv?: number;
  /** Session id, on user sessions only: logout revokes it. */
  sid?: string;
  exp?: number;
}

export function signAccessToken(
  principal: Principal,
  settings: JwtSettings & { key: SigningKey; ttlSeconds: number },
): string {
  const claims: AccessTokenClaims = {
    sub: principal.subject,
    kind: principal.kind,
    hid: principal.hospitalId,
    scope: principal.scopes.join(' '),
    ...(principal.sessionVersion !== undefined ? { sv: principal.sessionVersion } : {}),
    ...(principal.sessionId !== undefined ? { sid: principal.sessionId } : {}),
  };
  return jwt.sign(claims, settings.key.privateKey, {
    algorithm: JWT_ALGORITHM,
    keyid: settings.key.kid,
    issuer: settings.issuer,
    audience: settings.audience,
    expiresIn: settings.ttlSeconds,
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Turns verified claims into a principal; unknown scopes are dropped rather than trusted. */
export function principalFromClaims(claims: Partial<AccessTokenClaims>): Principal | undefined {
  if (typeof claims.sub !== 'string' || (claims.kind !== 'client' && claims.kind !== 'user'))
    return undefined;
  if (claims.hid !== null && typeof claims.hid !== 'string') return undefined;
  // A user session without its version could never be revoked: not a session we signed.
  if (claims.kind === 'user' && (typeof claims.hid !== 'string' || !Number.isInteger(claims.sv)))
    return undefined;
  if (claims.sid !== undefined && (typeof claims.sid !== 'string' || !UUID.test(claims.sid)))
    return undefined;
  const scopes = String(claims.scope ?? '')
    .split(' ')
    .filter((scope): scope is Scope => (SCOPES as readonly string[]).includes(scope));
  return {
    kind: claims.kind,
    subject: claims.sub,
    hospitalId: claims.hid ?? null,
    scopes,
    ...(claims.kind === 'user' ? { sessionVersion: claims.sv } : {}),
    ...(claims.kind === 'user' && claims.sid ? { sessionId: claims.sid } : {}),
    ...(typeof claims.exp === 'number' ? { expiresAt: claims.exp } : {}),
  };
}
