import { constants, createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, stat, unlink, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { SiuSource, SourceFile } from './siu-source';

/** A mounted share (PRODUCT.md `directory` source). */
export class DirectorySource implements SiuSource {
  constructor(
    private readonly directory: string,
    private readonly archiveDir: { path: string; create: boolean },
  ) {}

  async list(): Promise<SourceFile[]> {
    const entries = await readdir(this.directory, { withFileTypes: true });
    const files: SourceFile[] = [];
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const info = await stat(join(this.directory, entry.name)).catch(() => undefined);
      if (info?.isFile()) files.push({ name: entry.name, size: info.size, modifiedAt: info.mtime });
    }
    return files;
  }

  read(name: string): AsyncIterable<Buffer> {
    return createReadStream(join(this.directory, name), { highWaterMark: 256 * 1024 });
  }

  async archive(name: string, options: { uniqueSuffix: string }): Promise<string> {
    if (this.archiveDir.create) await mkdir(this.archiveDir.path, { recursive: true });
    const exists = await stat(join(this.archiveDir.path, name)).then(
      () => true,
      () => false,
    );
    const target = exists ? `${name}.${options.uniqueSuffix}` : name;
    const from = join(this.directory, name);
    const to = join(this.archiveDir.path, target);
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
    await unlink(join(this.directory, name));
  }

  async close(): Promise<void> {}
}
