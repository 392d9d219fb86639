import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, open, readdir, stat, unlink, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OutOfBoundsError, type DirectoryBounds } from './directory-bounds';
import type { SiuSource, SourceFile } from './siu-source';

/**
 * A mounted share (PRODUCT.md `directory` source). Every read, move and delete first resolves the real path
 * (symlinks followed) of what it touches and checks it against the SIU directory roots: a symlink planted in
 * the share after the connection was saved leads nowhere outside them.
 */
export class DirectorySource implements SiuSource {
  constructor(
    private readonly directory: string,
    private readonly archiveDir: { path: string; create: boolean },
    private readonly bounds: DirectoryBounds,
  ) {}

  async list(): Promise<SourceFile[]> {
    const directory = await this.bounds.checked(this.directory);
    const entries = await readdir(directory, { withFileTypes: true });
    const files: SourceFile[] = [];
    for (const entry of entries) {
      // Symlinks are listed (stat follows them): reading one out of bounds fails that file, visibly.
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      const info = await stat(join(directory, entry.name)).catch(() => undefined);
      if (info?.isFile()) files.push({ name: entry.name, size: info.size, modifiedAt: info.mtime });
    }
    return files;
  }

  async *read(name: string): AsyncIterable<Buffer> {
    const file = await this.checkedFile(name);
    // O_NOFOLLOW: the checked real path is opened as it is, never through a link swapped in since.
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    yield* handle.createReadStream({ highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>;
  }

  async archive(name: string, options: { uniqueSuffix: string }): Promise<string> {
    const directory = await this.bounds.checked(this.directory);
    await this.checkedFile(name);
    if (this.archiveDir.create) {
      const refusal = await this.bounds.refusal(this.archiveDir.path);
      if (refusal) throw new OutOfBoundsError(`the archive folder ${refusal}`);
      await mkdir(this.archiveDir.path, { recursive: true });
    }
    const archive = await this.bounds.checked(this.archiveDir.path);
    const exists = await lstat(join(archive, name)).then(
      () => true,
      () => false,
    );
    const target = exists ? `${name}.${options.uniqueSuffix}` : name;
    const from = join(directory, name);
    const to = join(archive, target);
    try {
      await rename(from, to);
    } catch (error) {
      // An archive on another file system: copy (never over an existing file), then remove the original.
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      try {
        await copyFile(from, to, constants.COPYFILE_EXCL);
      } catch (copyError) {
        // A partial copy (disk full) must not pass for the archived file: the original stays at the source.
        if ((copyError as NodeJS.ErrnoException).code !== 'EEXIST') await unlink(to).catch(() => undefined);
        throw copyError;
      }
      await unlink(from);
    }
    return target;
  }

  async remove(name: string): Promise<void> {
    await this.checkedFile(name);
    await unlink(join(await this.bounds.checked(this.directory), name));
  }

  async probeArchiveWrite(probeName: string): Promise<'writable' | 'missing'> {
    const refusal = await this.bounds.refusal(this.archiveDir.path);
    if (refusal) throw new OutOfBoundsError(`the archive folder ${refusal}`);
    const exists = await stat(this.archiveDir.path).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (!exists) {
      if (this.archiveDir.create) return 'missing';
      throw Object.assign(new Error(`the archive folder ${this.archiveDir.path} does not exist`), {
        code: 'ENOENT',
      });
    }
    const file = join(await this.bounds.checked(this.archiveDir.path), probeName);
    // 'wx': never over an existing file; the probe is removed at once.
    await writeFile(file, '', { flag: 'wx' });
    await unlink(file);
    return 'writable';
  }

  /** The file's real path, inside the bounds and a regular file. */
  private async checkedFile(name: string): Promise<string> {
    if (name.includes('/') || name === '.' || name === '..')
      throw new OutOfBoundsError(`${name} is not a file name`);
    const directory = await this.bounds.checked(this.directory);
    const file = await this.bounds.checked(join(directory, name));
    if (!(await stat(file)).isFile()) throw new OutOfBoundsError(`${name} is not a regular file`);
    return file;
  }

  async close(): Promise<void> {}
}
