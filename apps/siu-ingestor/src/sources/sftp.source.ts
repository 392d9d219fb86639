import { Logger } from '@nestjs/common';
import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import { hostKeyMatches } from './host-key';
import type { SiuSource, SourceFile } from './siu-source';

export interface SftpSourceOptions {
  /** The host as configured (for messages). */
  host: string;
  /** The address checked by the destination policy: the one connected to. */
  address: string;
  port: number;
  username: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  hostKeySha256?: string;
  path: string;
  archive: { path: string; create: boolean };
  readyTimeoutMs: number;
  /** Told the key the server presents, before it is checked (the self-test names a changed key). */
  onHostKey?: (key: Buffer) => void;
}

const logger = new Logger('SftpSource');

/** An SFTP server (PRODUCT.md `sftp` source): password or key, the host key pinned when configured. */
export class SftpSource implements SiuSource {
  private constructor(
    private readonly client: SftpClient,
    private readonly sftp: SFTPWrapper,
    private readonly options: SftpSourceOptions,
  ) {}

  static async connect(options: SftpSourceOptions): Promise<SftpSource> {
    // The library's default listeners print to the console; a lost connection surfaces in the next operation.
    const client = new SftpClient('siu-ingestor', {
      error: (error: unknown) =>
        logger.warn({
          msg: 'SFTP error',
          host: options.host,
          port: options.port,
          error: (error as Error)?.message,
        }),
      end: () => undefined,
      close: () => undefined,
    });
    if (!options.hostKeySha256) {
      logger.warn({
        msg: 'SFTP is used without checking its host key (insecureSkipHostKeyCheck)',
        host: options.host,
        port: options.port,
      });
    }
    const sftp = await client.connect({
      host: options.address,
      port: options.port,
      username: options.username,
      ...(options.password !== undefined ? { password: options.password } : {}),
      ...(options.privateKey !== undefined ? { privateKey: options.privateKey } : {}),
      ...(options.passphrase !== undefined ? { passphrase: options.passphrase } : {}),
      ...(options.hostKeySha256 || options.onHostKey
        ? {
            hostVerifier: (key: Buffer) => {
              options.onHostKey?.(key);
              return options.hostKeySha256 ? hostKeyMatches(options.hostKeySha256, key) : true;
            },
          }
        : {}),
      readyTimeout: options.readyTimeoutMs,
      // A run that cannot connect reports it; the next run tries again. No hidden retry loop here.
      retries: 0,
    });
    return new SftpSource(client, sftp, options);
  }

  async list(): Promise<SourceFile[]> {
    const entries = await this.client.list(this.options.path);
    return entries
      .filter((entry) => entry.type === '-')
      .map((entry) => ({ name: entry.name, size: entry.size, modifiedAt: new Date(entry.modifyTime) }));
  }

  read(name: string): AsyncIterable<Buffer> {
    const stream = this.client.createReadStream(posix.join(this.options.path, name));
    // On a dropped connection ssh2's stream can emit 'error' twice (the read, then closing its handle); the
    // reader gets the first through iteration, and a second without a listener would crash the process.
    stream.on('error', () => undefined);
    return stream as AsyncIterable<Buffer>;
  }

  async archive(name: string, options: { uniqueSuffix: string }): Promise<string> {
    const { path, create } = this.options.archive;
    if (create) await this.makeDirectory(path);
    const target = (await this.client.exists(posix.join(path, name)))
      ? `${name}.${options.uniqueSuffix}`
      : name;
    await this.client.rename(posix.join(this.options.path, name), posix.join(path, target));
    return target;
  }

  /**
   * The directory and its missing parents. Not ssh2-sftp-client's mkdir: it reports every SSH_FX_FAILURE as
   * "permission denied" (a workaround for Windows servers), and a full disk must say so in the run report.
   */
  private async makeDirectory(path: string): Promise<void> {
    const missing: string[] = [];
    for (let directory = path; !(await this.client.exists(directory)); directory = posix.dirname(directory)) {
      missing.unshift(directory);
      if (posix.dirname(directory) === directory) break;
    }
    for (const directory of missing) {
      await new Promise<void>((resolve, reject) =>
        this.sftp.mkdir(directory, (error) => (error ? reject(error) : resolve())),
      );
    }
  }

  async remove(name: string): Promise<void> {
    await this.client.delete(posix.join(this.options.path, name));
  }

  async probeArchiveWrite(probeName: string): Promise<'writable' | 'missing'> {
    const { path, create } = this.options.archive;
    if (!(await this.client.exists(path))) {
      if (create) return 'missing';
      throw Object.assign(new Error(`the archive folder ${path} does not exist`), { code: 'ENOENT' });
    }
    const file = posix.join(path, probeName);
    await this.client.put(Buffer.alloc(0), file);
    await this.client.delete(file);
    return 'writable';
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
