import passport from 'passport';
import { generateKeyPairSync } from 'node:crypto';
import type { Principal, PublicJwkV1 } from '@bridge/contracts';
import { signAccessToken } from './access-token';
import { JwtStrategy } from './jwt.strategy';
import { VerificationKeys } from './verification-keys';

const settings = { issuer: 'bridge', audience: 'api' };

function signingKey(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  const jwk: PublicJwkV1 = { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' };
  return { key: { kid, privateKey }, jwk };
}

const client: Principal = { kind: 'client', subject: 'emr', hospitalId: 'h1', scopes: ['patients:write'] };

/** Runs passport's `jwt` strategy on a request bearing `token`: the principal, or false when refused. */
function authenticate(token: string): Promise<Principal | false> {
  return new Promise((resolve, reject) => {
    const request = { headers: { authorization: `Bearer ${token}` } };
    passport.authenticate('jwt', { session: false }, (error: unknown, user: Principal | false) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(user),
    )(request, {}, reject);
  });
}

describe('JwtStrategy', () => {
  afterEach(() => jest.useRealTimers());

  it('accepts a remembered token only while it is unexpired, its key published and its client active', async () => {
    const first = signingKey('k1');
    let published = [first.jwk];
    let active = true;
    const keys = new VerificationKeys({ load: async () => published }, { refreshMs: 60_000, minReloadMs: 0 });
    new JwtStrategy(settings, keys, undefined, { isActive: async () => active });
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const token = signAccessToken(client, { ...settings, key: first.key, ttlSeconds: 60 });

    expect(await authenticate(token)).toMatchObject({ subject: 'emr', scopes: ['patients:write'] });
    expect(await authenticate(token)).toMatchObject({ subject: 'emr' });
    active = false;
    expect(await authenticate(token)).toBe(false);
    active = true;
    expect(await authenticate(token)).toMatchObject({ subject: 'emr' });

    jest.setSystemTime(Date.now() + 61_000);
    expect(await authenticate(token)).toBe(false);

    const fresh = signAccessToken(client, { ...settings, key: first.key, ttlSeconds: 600 });
    expect(await authenticate(fresh)).toMatchObject({ subject: 'emr' });
    published = [signingKey('k2').jwk];
    jest.setSystemTime(Date.now() + 120_001);
    expect(await authenticate(fresh)).toBe(false);
  });

  it('never remembers a token that did not verify', async () => {
    const real = signingKey('k1');
    const keys = new VerificationKeys(
      { load: async () => [real.jwk] },
      { refreshMs: 60_000, minReloadMs: 0 },
    );
    new JwtStrategy(settings, keys, undefined, { isActive: async () => true });
    const forged = signAccessToken(client, { ...settings, key: signingKey('k1').key, ttlSeconds: 60 });
    expect(await authenticate(forged)).toBe(false);
    expect(await authenticate(forged)).toBe(false);
    const wrongAudience = signAccessToken(client, {
      ...settings,
      audience: 'other',
      key: real.key,
      ttlSeconds: 60,
    });
    expect(await authenticate(wrongAudience)).toBe(false);
    expect(await authenticate(wrongAudience)).toBe(false);
  });
});
