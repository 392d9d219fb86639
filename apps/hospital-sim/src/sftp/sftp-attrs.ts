import type { Stats } from 'node:fs';
import type { Attributes, FileEntry } from 'ssh2';

/** SFTP v3 ATTRS of a file: size, owner, mode with its type bits, times in whole seconds. */
export function attrsOf(stats: Stats): Attributes {
  return {
    size: stats.size,
    uid: stats.uid,
    gid: stats.gid,
    mode: stats.mode,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  };
}

/** One READDIR entry; clients (ssh2-sftp-client's `list`) read the type from the longname's first letter. */
export function entryOf(name: string, stats: Stats): FileEntry {
  return { filename: name, longname: longnameOf(name, stats), attrs: attrsOf(stats) };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_MONTHS_MS = 182 * 24 * 3600 * 1000;

/** `-rw-r--r--    1 1000     1000         1234 Nov 26 09:00 siu-20261126.hl7`, as OpenSSH's ls -l style. */
export function longnameOf(name: string, stats: Stats): string {
  const when = stats.mtime;
  const day = `${MONTHS[when.getUTCMonth()]} ${String(when.getUTCDate()).padStart(2, ' ')}`;
  const recent = Math.abs(Date.now() - when.getTime()) < SIX_MONTHS_MS;
  const time = recent
    ? `${String(when.getUTCHours()).padStart(2, '0')}:${String(when.getUTCMinutes()).padStart(2, '0')}`
    : ` ${when.getUTCFullYear()}`;
  return [
    modeString(stats.mode),
    String(stats.nlink).padStart(4, ' '),
    String(stats.uid).padEnd(8, ' '),
    String(stats.gid).padEnd(8, ' '),
    String(stats.size).padStart(8, ' '),
    `${day} ${time}`,
    name,
  ].join(' ');
}

function modeString(mode: number): string {
  const permissions = 'rwxrwxrwx'
    .split('')
    .map((letter, index) => (mode & (0o400 >> index) ? letter : '-'))
    .join('');
  return typeLetter(mode) + permissions;
}

function typeLetter(mode: number): string {
  switch (mode & 0o170000) {
    case 0o040000:
      return 'd';
    case 0o120000:
      return 'l';
    case 0o100000:
      return '-';
    case 0o020000:
      return 'c';
    case 0o060000:
      return 'b';
    case 0o010000:
      return 'p';
    case 0o140000:
      return 's';
    default:
      return '?';
  }
}
