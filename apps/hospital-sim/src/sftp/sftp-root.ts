import { lstat, mkdir, realpath } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { refusePermission, SftpRefusal, STATUS } from './sftp-status';

/** A wire path and where it lives on disk. */
export interface ResolvedPath {
  /** Normalised, absolute: `/`, `/h1/archive`. */
  readonly wire: string;
  readonly disk: string;
}

export interface ResolveOptions {
  /**
   * Follow the last component when it is a symlink (STAT, OPEN, OPENDIR, SETSTAT), so its target must be
   * inside the root too; REMOVE, RENAME, LSTAT, MKDIR act on the link itself.
   */
  readonly followLast: boolean;
}

/**
 * `a/b`, `/a/./b/`, `//a/b` -> `/a/b` (relative paths start at `/`, the root). A `..` that climbs above the
 * root is refused, not clamped to `/`: a client that tries to leave the root gets PERMISSION_DENIED.
 */
export function normalizeWirePath(path: string): string {
  if (path.includes('\0')) throw new SftpRefusal(STATUS.FAILURE, 'Invalid path');
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) throw refusePermission();
      segments.pop();
    } else {
      segments.push(segment);
    }
  }
  return `/${segments.join('/')}`;
}

/** Whether `wire` is `prefix` or inside it (both normalised wire paths). */
export function isAtOrUnder(wire: string, prefix: string): boolean {
  return prefix === '/' || wire === prefix || wire.startsWith(`${prefix}/`);
}

/**
 * The directory served as `/`. Every wire path is resolved against the real path of the root, and the real
 * path of what it names (its parent, and itself when followed) must stay inside: a symlink placed in the
 * folder that points elsewhere is refused, never followed. (Checked before each use: a symlink swapped in
 * on disk between the check and the use is not guarded against; the simulator's root is its own folder.)
 */
export class SftpRoot {
  private constructor(readonly directory: string) {}

  static async open(directory: string): Promise<SftpRoot> {
    await mkdir(directory, { recursive: true });
    return new SftpRoot(await realpath(directory));
  }

  async resolve(path: string, options: ResolveOptions): Promise<ResolvedPath> {
    const wire = normalizeWirePath(path);
    if (wire === '/') return { wire, disk: this.directory };
    const lexical = join(this.directory, ...wire.slice(1).split('/'));
    // ENOENT here (a missing parent) is the client's NO_SUCH_FILE.
    const parent = await realpath(dirname(lexical));
    this.assertInside(parent);
    const disk = join(parent, basename(lexical));
    if (!options.followLast) return { wire, disk };
    let target: string;
    try {
      target = await realpath(disk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // Nothing there (the request may create it), unless it is a dangling symlink: creating through it
      // would write wherever it points.
      const link = await lstat(disk).catch(() => undefined);
      if (link) throw refusePermission();
      return { wire, disk };
    }
    this.assertInside(target);
    return { wire, disk: target };
  }

  private assertInside(real: string): void {
    const inside =
      real === this.directory ||
      real.startsWith(this.directory.endsWith(sep) ? this.directory : this.directory + sep);
    if (!inside) throw refusePermission();
  }
}
