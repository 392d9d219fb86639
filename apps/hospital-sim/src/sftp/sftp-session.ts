import { constants } from 'node:fs';
import {
  chmod,
  link,
  lstat,
  mkdir,
  open,
  readdir,
  rename,
  rmdir,
  stat,
  unlink,
  utimes,
  type FileHandle,
} from 'node:fs/promises';
import { join } from 'node:path';
import { utils, type Attributes, type FileEntry, type SFTPWrapper } from 'ssh2';
import { attrsOf, entryOf } from './sftp-attrs';
import { isAtOrUnder, normalizeWirePath, type SftpRoot } from './sftp-root';
import { DISK_FULL_MESSAGE, refusePermission, SftpRefusal, STATUS, statusOf } from './sftp-status';

const { OPEN_MODE } = utils.sftp;

/** Faults for the next requests (QUALITY.md R8); see SimSftpFaults in sim-sftp.ts. */
export interface SftpFaults {
  readonly diskFullUnder?: string;
  readonly readOnlyUnder?: string;
  readonly cutReadAfterBytes?: number;
}

export interface SftpSessionOptions {
  readonly root: SftpRoot;
  /** Read at each request, so setFaults() applies to sessions already open. */
  readonly faults: () => SftpFaults;
  /** Drops the SSH connection the way a network failure would (no goodbye). */
  readonly dropConnection: () => void;
}

interface OpenFile {
  readonly kind: 'file';
  readonly wire: string;
  readonly fd: FileHandle;
  /** Bytes of this file sent so far, for cutReadAfterBytes. */
  sent: number;
}

interface OpenDirectory {
  readonly kind: 'directory';
  readonly wire: string;
  readonly disk: string;
  readonly names: string[];
  next: number;
}

type OpenHandle = OpenFile | OpenDirectory;

/** Incoming ATTRS carry only the fields the client set. */
type InputAttrs = Partial<Attributes>;

/** Well under ssh2's 256 KiB packet limit; a shorter read than asked is normal SFTP. */
const MAX_READ_BYTES = 64 * 1024;
const ENTRIES_PER_READDIR = 100;
const DEFAULT_FILE_MODE = 0o644;
const DEFAULT_DIRECTORY_MODE = 0o755;

/**
 * One SFTP subsystem (protocol v3) over the root directory. Handles live in this session only; when the
 * channel or the connection goes away every file descriptor it opened is closed.
 */
export class SftpSession {
  private readonly handles = new Map<number, OpenHandle>();
  private nextHandle = 0;
  private ended = false;
  private released: Promise<void> | undefined;
  /** Requests are answered one at a time, in order, as OpenSSH's sftp-server does. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly options: SftpSessionOptions,
  ) {
    sftp
      .on('REALPATH', (id, path) => this.run(id, () => this.realpath(id, path)))
      .on('STAT', (id, path) => this.run(id, () => this.stat(id, path, { followLast: true })))
      .on('LSTAT', (id, path) => this.run(id, () => this.stat(id, path, { followLast: false })))
      .on('FSTAT', (id, handle) => this.run(id, () => this.fstat(id, handle)))
      .on('SETSTAT', (id, path, attrs) => this.run(id, () => this.setstat(id, path, attrs)))
      .on('FSETSTAT', (id, handle, attrs) => this.run(id, () => this.fsetstat(id, handle, attrs)))
      .on('OPENDIR', (id, path) => this.run(id, () => this.opendir(id, path)))
      .on('READDIR', (id, handle) => this.run(id, () => this.readdir(id, handle)))
      .on('OPEN', (id, path, flags, attrs) => this.run(id, () => this.open(id, path, flags, attrs)))
      .on('READ', (id, handle, offset, length) => this.run(id, () => this.read(id, handle, offset, length)))
      .on('WRITE', (id, handle, offset, data) => this.run(id, () => this.write(id, handle, offset, data)))
      .on('CLOSE', (id, handle) => this.run(id, () => this.close(id, handle)))
      .on('REMOVE', (id, path) => this.run(id, () => this.remove(id, path)))
      .on('RMDIR', (id, path) => this.run(id, () => this.rmdir(id, path)))
      .on('MKDIR', (id, path, attrs) => this.run(id, () => this.mkdir(id, path, attrs)))
      .on('RENAME', (id, from, to) => this.run(id, () => this.rename(id, from, to)));
    // READLINK, SYMLINK and EXTENDED have no listener: ssh2 answers OP_UNSUPPORTED.
    sftp.once('end', () => void this.release());
    sftp.once('close', () => void this.release());
  }

  /** Closes every descriptor this session still holds; idempotent, awaited by SimSftp.close(). */
  release(): Promise<void> {
    this.ended = true;
    this.released ??= (async () => {
      const open = [...this.handles.values()];
      this.handles.clear();
      await Promise.all(
        open.map((handle) =>
          handle.kind === 'file' ? handle.fd.close().catch(() => undefined) : Promise.resolve(),
        ),
      );
    })();
    return this.released;
  }

  private async realpath(id: number, path: string): Promise<void> {
    const wire = normalizeWirePath(path);
    this.reply(() => this.sftp.name(id, [{ filename: wire, longname: wire, attrs: {} as Attributes }]));
  }

  private async stat(id: number, path: string, options: { followLast: boolean }): Promise<void> {
    const { disk } = await this.options.root.resolve(path, options);
    this.sendAttrs(id, options.followLast ? await stat(disk) : await lstat(disk));
  }

  private async fstat(id: number, handle: Buffer): Promise<void> {
    const open = this.handleOf(handle);
    this.sendAttrs(id, open.kind === 'file' ? await open.fd.stat() : await stat(open.disk));
  }

  private async setstat(id: number, path: string, attrs: InputAttrs): Promise<void> {
    const { disk } = await this.options.root.resolve(path, { followLast: true });
    await applyAttrs(attrs, {
      chmod: (mode) => chmod(disk, mode),
      utimes: (atime, mtime) => utimes(disk, atime, mtime),
    });
    this.ok(id);
  }

  private async fsetstat(id: number, handle: Buffer, attrs: InputAttrs): Promise<void> {
    const open = this.handleOf(handle);
    await applyAttrs(
      attrs,
      open.kind === 'file'
        ? { chmod: (mode) => open.fd.chmod(mode), utimes: (atime, mtime) => open.fd.utimes(atime, mtime) }
        : {
            chmod: (mode) => chmod(open.disk, mode),
            utimes: (atime, mtime) => utimes(open.disk, atime, mtime),
          },
    );
    this.ok(id);
  }

  private async opendir(id: number, path: string): Promise<void> {
    const { wire, disk } = await this.options.root.resolve(path, { followLast: true });
    if (!(await stat(disk)).isDirectory()) throw new SftpRefusal(STATUS.FAILURE, 'Not a directory');
    const names = await readdir(disk);
    this.sendHandle(id, { kind: 'directory', wire, disk, names, next: 0 });
  }

  private async readdir(id: number, handle: Buffer): Promise<void> {
    const directory = this.handleOf(handle);
    if (directory.kind !== 'directory') throw new SftpRefusal(STATUS.FAILURE, 'Not a directory handle');
    const entries: FileEntry[] = [];
    while (entries.length < ENTRIES_PER_READDIR && directory.next < directory.names.length) {
      const name = directory.names[directory.next++];
      // lstat: a symlink is listed as one ('l'); a file removed since OPENDIR is skipped.
      const info = await lstat(join(directory.disk, name)).catch(() => undefined);
      if (info) entries.push(entryOf(name, info));
    }
    if (entries.length === 0) return this.status(id, STATUS.EOF);
    this.reply(() => this.sftp.name(id, entries));
  }

  private async open(id: number, path: string, flags: number, attrs: InputAttrs): Promise<void> {
    const { wire, disk } = await this.options.root.resolve(path, { followLast: true });
    const changes = (flags & (OPEN_MODE.WRITE | OPEN_MODE.CREAT | OPEN_MODE.TRUNC | OPEN_MODE.APPEND)) !== 0;
    if (changes) this.assertNotDiskFull(wire);
    const mode = attrs.mode !== undefined ? attrs.mode & 0o7777 : DEFAULT_FILE_MODE;
    const fd = await open(disk, fsFlagsOf(flags), mode);
    this.sendHandle(id, { kind: 'file', wire, fd, sent: 0 });
  }

  private async read(id: number, handle: Buffer, offset: number, length: number): Promise<void> {
    const file = this.fileOf(handle);
    const cut = this.options.faults().cutReadAfterBytes;
    let wanted = Math.min(length, MAX_READ_BYTES);
    if (cut !== undefined) {
      if (file.sent >= cut) return this.options.dropConnection();
      wanted = Math.min(wanted, cut - file.sent);
    }
    const buffer = Buffer.alloc(wanted);
    const { bytesRead } = await file.fd.read(buffer, 0, wanted, offset);
    if (bytesRead === 0 && wanted > 0) return this.status(id, STATUS.EOF);
    this.reply(() => this.sftp.data(id, buffer.subarray(0, bytesRead)));
    file.sent += bytesRead;
    if (cut !== undefined && file.sent >= cut) this.options.dropConnection();
  }

  private async write(id: number, handle: Buffer, offset: number, data: Buffer): Promise<void> {
    const file = this.fileOf(handle);
    this.assertNotDiskFull(file.wire);
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await file.fd.write(data, written, data.length - written, offset + written);
      written += bytesWritten;
    }
    this.ok(id);
  }

  private async close(id: number, handle: Buffer): Promise<void> {
    const open = this.handleOf(handle);
    this.handles.delete(handle.readUInt32BE(0));
    if (open.kind === 'file') await open.fd.close();
    this.ok(id);
  }

  private async remove(id: number, path: string): Promise<void> {
    const { wire, disk } = await this.options.root.resolve(path, { followLast: false });
    if (wire === '/') throw refusePermission();
    await unlink(disk);
    this.ok(id);
  }

  private async rmdir(id: number, path: string): Promise<void> {
    const { wire, disk } = await this.options.root.resolve(path, { followLast: false });
    if (wire === '/') throw refusePermission();
    await rmdir(disk);
    this.ok(id);
  }

  private async mkdir(id: number, path: string, attrs: InputAttrs): Promise<void> {
    const { wire, disk } = await this.options.root.resolve(path, { followLast: false });
    this.assertNotDiskFull(wire);
    await mkdir(disk, { mode: attrs.mode !== undefined ? attrs.mode & 0o7777 : DEFAULT_DIRECTORY_MODE });
    this.ok(id);
  }

  /** SFTP v3 RENAME never replaces: an existing target fails and both names stay as they were. */
  private async rename(id: number, fromPath: string, toPath: string): Promise<void> {
    const from = await this.options.root.resolve(fromPath, { followLast: false });
    const to = await this.options.root.resolve(toPath, { followLast: false });
    if (from.wire === '/' || to.wire === '/') throw refusePermission();
    this.assertNotDiskFull(to.wire);
    const source = await lstat(from.disk);
    if (!source.isDirectory()) {
      // link() fails on an existing target atomically, where a check before rename() could race.
      try {
        await link(from.disk, to.disk);
        await unlink(from.disk);
        return this.ok(id);
      } catch (error) {
        if (
          !['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP'].includes((error as NodeJS.ErrnoException).code ?? '')
        ) {
          throw error;
        }
      }
    }
    if (
      await lstat(to.disk).then(
        () => true,
        () => false,
      )
    )
      throw new SftpRefusal(STATUS.FAILURE, 'File already exists');
    await rename(from.disk, to.disk);
    this.ok(id);
  }

  /** The write faults: a full disk (FAILURE) or a folder the account may not write to (PERMISSION_DENIED). */
  private assertNotDiskFull(wire: string): void {
    const { diskFullUnder, readOnlyUnder } = this.options.faults();
    if (isUnderFault(wire, readOnlyUnder)) throw refusePermission();
    if (isUnderFault(wire, diskFullUnder)) throw new SftpRefusal(STATUS.FAILURE, DISK_FULL_MESSAGE);
  }

  private handleOf(handle: Buffer): OpenHandle {
    const open = handle.length === 4 ? this.handles.get(handle.readUInt32BE(0)) : undefined;
    if (!open) throw new SftpRefusal(STATUS.FAILURE, 'Invalid handle');
    return open;
  }

  private fileOf(handle: Buffer): OpenFile {
    const open = this.handleOf(handle);
    if (open.kind !== 'file') throw new SftpRefusal(STATUS.FAILURE, 'Not a file handle');
    return open;
  }

  private sendHandle(id: number, open: OpenHandle): void {
    if (this.ended) {
      // The session ended while the file was being opened: nobody will ever close it.
      if (open.kind === 'file') void open.fd.close().catch(() => undefined);
      return;
    }
    const number = this.nextHandle;
    this.nextHandle = (this.nextHandle + 1) >>> 0;
    this.handles.set(number, open);
    const handle = Buffer.alloc(4);
    handle.writeUInt32BE(number, 0);
    this.reply(() => this.sftp.handle(id, handle));
  }

  private sendAttrs(id: number, stats: Parameters<typeof attrsOf>[0]): void {
    this.reply(() => this.sftp.attrs(id, attrsOf(stats)));
  }

  private ok(id: number): void {
    this.status(id, STATUS.OK);
  }

  private status(id: number, code: number, message?: string): void {
    this.reply(() => this.sftp.status(id, code, message));
  }

  /** Answers unless the session is gone (a dropped connection has nobody to answer). */
  private reply(send: () => void): void {
    if (this.ended) return;
    try {
      send();
    } catch {
      // The channel closed between the request and its answer.
    }
  }

  /**
   * Clients rely on the order: ssh2's read stream closes its handle after the last chunk, and a client that
   * disconnects once its next request is answered must not find that CLOSE still pending.
   */
  private run(id: number, request: () => Promise<void>): void {
    this.queue = this.queue.then(() =>
      request().catch((error: unknown) => {
        const { code, message } = statusOf(error);
        this.status(id, code, message);
      }),
    );
  }
}

/**
 * SETSTAT's permission bits and times (whole seconds); owner and size are accepted and left alone, the
 * simulator runs as one user and no client of ours truncates through SETSTAT.
 */
function isUnderFault(wire: string, under: string | undefined): boolean {
  if (under === undefined) return false;
  try {
    return isAtOrUnder(wire, normalizeWirePath(under));
  } catch {
    return false;
  }
}

async function applyAttrs(
  attrs: InputAttrs,
  target: { chmod(mode: number): Promise<void>; utimes(atime: number, mtime: number): Promise<void> },
): Promise<void> {
  if (attrs.mode !== undefined) await target.chmod(attrs.mode & 0o7777);
  if (attrs.atime !== undefined && attrs.mtime !== undefined) await target.utimes(attrs.atime, attrs.mtime);
}

/** SFTP pflags -> open(2) flags. */
function fsFlagsOf(flags: number): number {
  const reading = (flags & OPEN_MODE.READ) !== 0;
  const writing = (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND)) !== 0;
  let result = writing ? (reading ? constants.O_RDWR : constants.O_WRONLY) : constants.O_RDONLY;
  if (flags & OPEN_MODE.APPEND) result |= constants.O_APPEND;
  if (flags & OPEN_MODE.CREAT) result |= constants.O_CREAT;
  if (flags & OPEN_MODE.TRUNC) result |= constants.O_TRUNC;
  if (flags & OPEN_MODE.EXCL) result |= constants.O_EXCL;
  return result;
}
