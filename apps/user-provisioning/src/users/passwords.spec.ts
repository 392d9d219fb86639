import { hashPassword, needsRehash, PASSWORD_COST, passwordCost, verifyPassword } from './passwords';

// N = 2^17 costs 128 MiB and up to a second or two of a busy CI core per hash.
jest.setTimeout(60_000);

describe('passwords', () => {
  it('verifies the right password only, and salts each hash', async () => {
    const first = await hashPassword('correct horse battery');
    const second = await hashPassword('correct horse battery');
    expect(first).not.toEqual(second);
    expect(first).not.toContain('correct');
    expect(first.startsWith('scrypt$ln=17,r=8,p=1$')).toBe(true);
    await expect(verifyPassword('correct horse battery', first)).resolves.toBe(true);
    await expect(verifyPassword('wrong horse battery', first)).resolves.toBe(false);
    await expect(verifyPassword('anything', 'md5$abc')).resolves.toBe(false);
    expect(needsRehash(first)).toBe(false);
  });

  it('still verifies hashes made at N = 2^14 and says they need a rehash', async () => {
    const modern = await hashPassword('old password', { ...PASSWORD_COST, ln: 14 });
    const legacy = modern.replace('scrypt$ln=14,r=8,p=1$', 'scrypt$');
    expect(legacy.split('$')).toHaveLength(3);
    await expect(verifyPassword('old password', legacy)).resolves.toBe(true);
    await expect(verifyPassword('other password', legacy)).resolves.toBe(false);
    expect(needsRehash(legacy)).toBe(true);
    expect(needsRehash(modern)).toBe(true);
  });

  it('keeps verifying hashes made at another cost after PASSWORD_SCRYPT_LOG2N changes (the cost is in the hash)', async () => {
    expect(PASSWORD_COST).toEqual({ ln: 17, r: 8, p: 1 });
    const cheap = await hashPassword('a password', passwordCost(11));
    expect(cheap.startsWith('scrypt$ln=11,r=8,p=1$')).toBe(true);
    // The setting rose to the production default: the cheap hash still opens, and is marked for a rehash.
    await expect(verifyPassword('a password', cheap)).resolves.toBe(true);
    await expect(verifyPassword('another one', cheap)).resolves.toBe(false);
    expect(needsRehash(cheap, PASSWORD_COST)).toBe(true);
    expect(needsRehash(cheap, passwordCost(11))).toBe(false);
    // The setting fell (a test run): a dearer hash still opens and is never "rehashed" down.
    const dear = await hashPassword('a password', passwordCost(13));
    await expect(verifyPassword('a password', dear)).resolves.toBe(true);
    expect(needsRehash(dear, passwordCost(11))).toBe(false);
  });

  it('refuses stored parameters that would cost unbounded memory', async () => {
    const hash = await hashPassword('x', { ...PASSWORD_COST, ln: 12 });
    await expect(verifyPassword('x', hash.replace('ln=12', 'ln=30'))).resolves.toBe(false);
  });
});
