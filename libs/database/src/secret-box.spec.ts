import {
  generateSecretsKey,
  isSealed,
  openFields,
  resealFields,
  SecretBox,
  SecretKeyError,
  sealFields,
  withoutFields,
} from './secret-box';

const PATHS = ['auth.password', 'auth.token', 'source.privateKey'];

describe('SecretBox', () => {
  const key = generateSecretsKey();

  it('opens what it sealed, and the sealed form holds no plain text', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('hunter2-very-secret', 'table:h1:auth.password');
    expect(isSealed(sealed)).toBe(true);
    expect(JSON.stringify(sealed)).not.toContain('hunter2');
    expect(sealed.kid).toBe(box.currentKeyId);
    expect(box.open(sealed, 'table:h1:auth.password')).toBe('hunter2-very-secret');
  });

  it('uses a fresh nonce for every value', () => {
    const box = new SecretBox(key);
    const first = box.seal('same', 'c');
    const second = box.seal('same', 'c');
    expect(first.iv).not.toBe(second.iv);
    expect(first.data).not.toBe(second.data);
  });

  it('refuses a value moved to another hospital or field, or altered', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('secret', 'table:h1:auth.password');
    expect(() => box.open(sealed, 'table:h2:auth.password')).toThrow(SecretKeyError);
    expect(() => box.open(sealed, 'table:h1:auth.token')).toThrow(SecretKeyError);
    const data = Buffer.from(sealed.data, 'base64');
    data[0] ^= 1;
    expect(() => box.open({ ...sealed, data: data.toString('base64') }, 'table:h1:auth.password')).toThrow(
      SecretKeyError,
    );
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new SecretBox(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
    expect(() => new SecretBox(key, ['short'])).toThrow(/SECRETS_PREVIOUS_KEYS\[0\]/);
  });

  it('opens values of a previous key after a rotation, and re-seals them with the new one', () => {
    const oldBox = new SecretBox(key);
    const settings = {
      auth: { type: 'basic', username: 'u', password: 'pw-1' },
      source: { privateKey: 'KEY' },
    };
    const stored = sealFields(oldBox, settings, PATHS, 'ctx');
    const newKey = generateSecretsKey();

    // Without the old key, the new box cannot open the old values and says which key is missing.
    expect(() => openFields(new SecretBox(newKey), stored, PATHS, 'ctx')).toThrow(oldBox.currentKeyId);

    const rotated = SecretBox.fromConfig({ SECRETS_KEY: newKey, SECRETS_PREVIOUS_KEYS: key });
    expect(rotated.currentKeyId).not.toBe(oldBox.currentKeyId);
    expect(openFields(rotated, stored, PATHS, 'ctx')).toEqual(settings);

    const resealed = resealFields(rotated, stored, PATHS, 'ctx')!;
    expect(resealed.auth.password).toMatchObject({ kid: rotated.currentKeyId });
    expect(resealed.source.privateKey).toMatchObject({ kid: rotated.currentKeyId });
    // Once re-sealed, the previous key can be dropped.
    expect(openFields(new SecretBox(newKey), resealed, PATHS, 'ctx')).toEqual(settings);
    expect(resealFields(rotated, resealed, PATHS, 'ctx')).toBeUndefined();
  });

  it('seals plain values found in old rows, skips absent fields, never touches the input', () => {
    const box = new SecretBox(key);
    const plainRow = { auth: { type: 'bearer', token: 'tok' } };
    const sealed = resealFields(box, plainRow, PATHS, 'ctx')!;
    expect(plainRow.auth.token).toBe('tok');
    expect(isSealed(sealed.auth.token)).toBe(true);
    expect(sealed).not.toHaveProperty('source');
    expect(resealFields(box, { auth: { type: 'none' } }, PATHS, 'ctx')).toBeUndefined();
  });

  it('drops the secret fields for copies kept elsewhere', () => {
    const settings = { auth: { type: 'basic', username: 'u', password: 'p' }, other: 1 };
    expect(withoutFields(settings, PATHS)).toEqual({ auth: { type: 'basic', username: 'u' }, other: 1 });
    expect(settings.auth.password).toBe('p');
  });
});
