import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Where `directory` sources may be (PRODUCT.md "Trust boundaries"): SIU_DIRECTORY_ROOTS, never DATA_DIR. */
export interface DirectoryBoundsOptions {
  /** Absolute folders; a source and its archive must resolve (symlinks followed) inside one of them. */
  roots: string[];
  /**
   * The platform's data directory (secrets, embedded PostgreSQL): nothing inside it may be read, moved or
   * deleted, except its `siu` folder (the embedded default's root).
   */
  dataDir?: string;
}

/** A path a directory source may not touch; the message names the reason, never a file's content. */
export class OutOfBoundsError extends Error {
  override readonly name = 'OutOfBoundsError';
  readonly code = 'SIU_PATH_OUT_OF_BOUNDS';
}

/**
 * Real-path checks of directory sources: at save time (the configured `path` and `archivePath`) and again
 * before every read, move and delete, on the path as it resolves then, so a symlink planted in the share
 * later can never lead out of the roots.
 */
export class DirectoryBounds {
  constructor(private readonly options: DirectoryBoundsOptions) {}

  /** From siu-ingestor's configuration: SIU_DIRECTORY_ROOTS (colon-separated) and DATA_DIR. */
  static fromConfig(config: { SIU_DIRECTORY_ROOTS?: string; DATA_DIR?: string }): DirectoryBounds {
    const roots = (config.SIU_DIRECTORY_ROOTS ?? '')
      .split(':')
      .map((root) => root.trim())
      .filter((root) => root !== '')
      .map((root) => resolve(root));
    return new DirectoryBounds({ roots, ...(config.DATA_DIR ? { dataDir: resolve(config.DATA_DIR) } : {}) });
  }

  get roots(): readonly string[] {
    return this.options.roots;
  }

  /**
   * Why a configured path is refused (save time), or undefined. A path that does not exist yet is judged by
   * its nearest existing parent's real path: it will be made there.
   */
  async refusal(path: string): Promise<string | undefined> {
    if (!isAbsolute(path)) return 'must be absolute';
    if (path.split(/[\\/]/).includes('..')) return 'must not contain ".."';
    return this.realRefusal(await realPathOfNearest(path));
  }

  /** The real path as far as it exists, the rest as written: how two configured folders are compared. */
  realPath(path: string): Promise<string> {
    return realPathOfNearest(path);
  }

  /** The real path of `path` (which must exist), checked against the bounds: what may be touched. */
  async checked(path: string): Promise<string> {
    const real = await realpath(path);
    const reason = await this.realRefusal(real);
    if (reason)
      throw new OutOfBoundsError(`${basename(path)} resolves outside the SIU directory roots (${reason})`);
    return real;
  }

  private async realRefusal(real: string): Promise<string | undefined> {
    if (this.options.roots.length === 0) {
      return 'no SIU directory root is configured (SIU_DIRECTORY_ROOTS)';
    }
    if (this.options.dataDir) {
      const dataDir = await realPathOfNearest(this.options.dataDir);
      if (inside(real, dataDir) && !inside(real, join(dataDir, 'siu'))) {
        return "is inside the platform's data directory";
      }
    }
    for (const root of this.options.roots) {
      if (inside(real, await realPathOfNearest(root))) return undefined;
    }
    return `must be inside one of SIU_DIRECTORY_ROOTS (${this.options.roots.join(':')})`;
  }
}

function inside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** realpath of the path, or of its nearest existing ancestor with the missing rest appended. */
async function realPathOfNearest(path: string): Promise<string> {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      const real = await realpath(current);
      return missing.length === 0 ? real : join(real, ...missing.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = dirname(current);
      if (parent === current) return resolve(path);
      missing.push(basename(current));
      current = parent;
    }
  }
}
