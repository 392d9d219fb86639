import jwt from 'jsonwebtoken';
import { principalFromClaims, signAccessToken } from './access-token';

const settings = { secret: 's'.repeat(40), issuer: 'i', audience: 'a', ttlSeconds: 60 };

describe('access tokens', () => {
  it('carries the session version of a user session, and none on client tokens', () => {
    const user = signAccessToken(
      { kind: 'user', subject: 'u', hospitalId: 'h', scopes: ['patients:read'], sessionVersion: 3 },
      settings,
    );
    const claims = jwt.verify(user, settings.secret) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'u', kind: 'user', hid: 'h', sv: 3 });
    expect(principalFromClaims(claims)).toEqual({
      kind: 'user',
      subject: 'u',
      hospitalId: 'h',
      scopes: ['patients:read'],
      sessionVersion: 3,
    });
    const client = jwt.verify(
      signAccessToken({ kind: 'client', subject: 'c', hospitalId: null, scopes: [] }, settings),
      settings.secret,
    );
    expect(client).not.toHaveProperty('sv');
    expect(principalFromClaims(client as Record<string, unknown>)).not.toHaveProperty('sessionVersion');
  });

  it('refuses user claims without a session version or a hospital: they could never be revoked', () => {
    expect(principalFromClaims({ sub: 'u', kind: 'user', hid: 'h', scope: '' })).toBeUndefined();
    expect(principalFromClaims({ sub: 'u', kind: 'user', hid: 'h', scope: '', sv: 1.5 })).toBeUndefined();
    expect(principalFromClaims({ sub: 'u', kind: 'user', hid: null, scope: '', sv: 1 })).toBeUndefined();
  });
});
