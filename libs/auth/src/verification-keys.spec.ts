import { generateKeyPairSync } from 'node:crypto';
import type { PublicJwkV1 } from '@bridge/contracts';
import { VerificationKeys } from './verification-keys';

function jwk(kid: string): PublicJwkV1 {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  return { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' };
}

describe('VerificationKeys', () => {
  it('finds a new kid at once, forgets a key no longer published, and ignores keys of another kind', async () => {
    let published = [jwk('a')];
    let loads = 0;
    const keys = new VerificationKeys(
      { load: async () => (loads++, published) },
      { refreshMs: 60_000, minReloadMs: 0 },
    );
    expect(await keys.keyFor('a')).toBeDefined();
    published = [jwk('a'), jwk('b')];
    expect(await keys.keyFor('b')).toBeDefined();
    published = [jwk('b'), { ...jwk('c'), alg: 'HS256' } as unknown as PublicJwkV1];
    expect(await keys.keyFor('c')).toBeUndefined();
    expect(await keys.keyFor('a')).toBeUndefined();
    expect((await keys.jwks()).map((key) => key.kid)).toEqual(['b']);
    expect(loads).toBe(4);
  });

  it('reads at most once per minReloadMs however many unknown kids arrive', async () => {
    let loads = 0;
    const keys = new VerificationKeys(
      { load: async () => (loads++, [jwk('a')]) },
      { refreshMs: 60_000, minReloadMs: 200 },
    );
    await keys.keyFor('a');
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => keys.keyFor(`forged-${i}`)));
    expect(answers.every((key) => key === undefined)).toBe(true);
    expect(loads).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });
});
