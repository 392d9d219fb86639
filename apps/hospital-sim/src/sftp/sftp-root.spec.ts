import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { isAtOrUnder, normalizeWirePath, SftpRoot } from './sftp-root';
import { SftpRefusal } from './sftp-status';

const { STATUS_CODE } = utils.sftp;

function refusal(action: () => unknown): SftpRefusal {
  try {
    action();
  } catch (error) {
    if (error instanceof SftpRefusal) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('SFTP wire paths', () => {
  it('normalises relative, dotted and doubled paths against the root', () => {
    expect(normalizeWirePath('.')).toBe('/');
    expect(normalizeWirePath('')).toBe('/');
    expect(normalizeWirePath('h1/siu')).toBe('/h1/siu');
    expect(normalizeWirePath('//h1/./siu/')).toBe('/h1/siu');
    expect(normalizeWirePath('/h1/archive/../siu')).toBe('/h1/siu');
  });

  it('refuses a .. above the root instead of clamping it, and NUL bytes', () => {
    expect(refusal(() => normalizeWirePath('..')).code).toBe(STATUS_CODE.PERMISSION_DENIED);
    expect(refusal(() => normalizeWirePath('/h1/../../etc/passwd')).code).toBe(STATUS_CODE.PERMISSION_DENIED);
    expect(refusal(() => normalizeWirePath('/h1\0/x')).code).toBe(STATUS_CODE.FAILURE);
  });

  it('tells whether a path is at or under a folder, component by component', () => {
    expect(isAtOrUnder('/h1/archive', '/h1/archive')).toBe(true);
    expect(isAtOrUnder('/h1/archive/a.hl7', '/h1/archive')).toBe(true);
    expect(isAtOrUnder('/h1/archive2/a.hl7', '/h1/archive')).toBe(false);
    expect(isAtOrUnder('/h1', '/h1/archive')).toBe(false);
    expect(isAtOrUnder('/anything', '/')).toBe(true);
  });
});

describe('SftpRoot', () => {
  let base: string;
  let root: SftpRoot;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'sftp-root-'));
    mkdirSync(join(base, 'outside'));
    mkdirSync(join(base, 'root/h1'), { recursive: true });
    symlinkSync(join(base, 'outside'), join(base, 'root/h1/out'));
    symlinkSync(join(base, 'root/h1'), join(base, 'root/alias'));
    root = await SftpRoot.open(join(base, 'root'));
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('maps wire paths under the root and follows symlinks that stay inside', async () => {
    await expect(root.resolve('/', { followLast: true })).resolves.toEqual({
      wire: '/',
      disk: root.directory,
    });
    await expect(root.resolve('h1/new.hl7', { followLast: true })).resolves.toEqual({
      wire: '/h1/new.hl7',
      disk: join(root.directory, 'h1/new.hl7'),
    });
    await expect(root.resolve('/alias', { followLast: true })).resolves.toMatchObject({
      disk: join(root.directory, 'h1'),
    });
  });

  it('refuses what a symlink leads outside, through a parent or followed, but lets the link itself be named', async () => {
    await expect(root.resolve('/h1/out', { followLast: true })).rejects.toMatchObject({
      code: STATUS_CODE.PERMISSION_DENIED,
    });
    await expect(root.resolve('/h1/out/x.hl7', { followLast: false })).rejects.toMatchObject({
      code: STATUS_CODE.PERMISSION_DENIED,
    });
    await expect(root.resolve('/h1/out', { followLast: false })).resolves.toMatchObject({
      disk: join(root.directory, 'h1/out'),
    });
  });
});
