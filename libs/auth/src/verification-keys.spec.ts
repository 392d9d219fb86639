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

  it('refreshes in the background within one more interval when the key is known, and waits past it', async () => {
    let release: (() => void) | undefined;
    let loads = 0;
    const keys = new VerificationKeys(
      {
        load: async () => {
          loads++;
          if (loads > 1) await new Promise<void>((resolve) => (release = resolve));
          return [jwk('a')];
        },
      },
      { refreshMs: 1000, minReloadMs: 0 },
    );
    const start = Date.now();
    await keys.keyFor('a', start);
    // Due, the read hangs (user-provisioning flooded): the known key answers at once.
    await expect(keys.keyFor('a', start + 1500)).resolves.toBeDefined();
    await expect(keys.jwks(start + 1500)).resolves.toHaveLength(1);
    expect(loads).toBe(2);
    // Past two intervals the caller waits for the read.
    let answered = false;
    const waiting = keys.keyFor('a', start + 2500).then(() => (answered = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    release!();
    await waiting;
    expect(answered).toBe(true);
  });
});
