import jwt from 'jsonwebtoken';
import { generateKeyPairSync } from 'node:crypto';
import { principalFromClaims, signAccessToken } from './access-token';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const settings = { key: { kid: 'k1', privateKey }, issuer: 'i', audience: 'a', ttlSeconds: 60 };

describe('access tokens', () => {
  it('are ES256 with the key id, and carry the session version and id of a user session only', () => {
    const user = signAccessToken(
      {
        kind: 'user',
        subject: 'u',
        hospitalId: 'h',
        scopes: ['patients:read'],
        sessionVersion: 3,
        sessionId: '7d0c2a36-1b7e-4f43-9f0e-1a1f6c2b9a11',
      },
      settings,
    );
    expect(jwt.decode(user, { complete: true })?.header).toMatchObject({ alg: 'ES256', kid: 'k1' });
    const claims = jwt.verify(user, publicKey, { algorithms: ['ES256'] }) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'u', kind: 'user', hid: 'h', sv: 3 });
    expect(principalFromClaims(claims)).toEqual({
      kind: 'user',
      subject: 'u',
      hospitalId: 'h',
      scopes: ['patients:read'],
      sessionVersion: 3,
      sessionId: '7d0c2a36-1b7e-4f43-9f0e-1a1f6c2b9a11',
      expiresAt: claims.exp,
    });
    const client = jwt.verify(
      signAccessToken({ kind: 'client', subject: 'c', hospitalId: null, scopes: [] }, settings),
      publicKey,
      { algorithms: ['ES256'] },
    );
    expect(client).not.toHaveProperty('sv');
    expect(principalFromClaims(client as Record<string, unknown>)).not.toHaveProperty('sessionVersion');
  });

  it('refuses user claims without a session version or a hospital: they could never be revoked', () => {
    expect(principalFromClaims({ sub: 'u', kind: 'user', hid: 'h', scope: '' })).toBeUndefined();
    expect(principalFromClaims({ sub: 'u', kind: 'user', hid: 'h', scope: '', sv: 1.5 })).toBeUndefined();
    expect(principalFromClaims({ sub: 'u', kind: 'user', hid: null, scope: '', sv: 1 })).toBeUndefined();
    expect(
      principalFromClaims({ sub: 'u', kind: 'user', hid: 'h', scope: '', sv: 1, sid: 'x' }),
    ).toBeUndefined();
  });
});
