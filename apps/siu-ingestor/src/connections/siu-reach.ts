import { Injectable } from '@nestjs/common';
import { DestinationPolicy } from '@bridge/config';
import { DomainError, type FieldError } from '@bridge/contracts';
import { posix, relative, isAbsolute, sep } from 'node:path';
import { DirectoryBounds } from '../sources/directory-bounds';
import { PlatformPorts } from './platform-ports';
import type { SiuConnectionSettings } from './siu-settings';

/**
 * What a saved SIU connection may reach (ARCHITECTURE.md rule 10), checked at save time; runs and the
 * listener check again at use. Bounds: a directory source and its archive inside SIU_DIRECTORY_ROOTS (400,
 * field named); an SFTP host given as an address passes the destination policy (CONNECTION_DESTINATION_REFUSED).
 * Sharing: no two hospitals on one listener port, one folder or one SFTP folder (409 CONNECTION_IN_USE).
 */
@Injectable()
export class SiuReach {
  constructor(
    private readonly bounds: DirectoryBounds,
    private readonly destinations: DestinationPolicy,
    private readonly platformPorts: PlatformPorts,
  ) {}

  async assertWithinBounds(settings: SiuConnectionSettings): Promise<void> {
    const { source } = settings;
    if (source.type === 'directory') {
      const errors: FieldError[] = [];
      for (const [field, path] of [
        ['source.path', source.path],
        ['archivePath', settings.archivePath],
      ] as const) {
        if (path === undefined) continue;
        const reason = await this.bounds.refusal(path);
        if (reason) errors.push({ field, message: `${field} ${reason}` });
      }
      if (errors.length > 0) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `Invalid SIU connection: ${errors.map((e) => e.message).join('; ')}`,
          {
            errors,
          },
        );
      }
      return;
    }
    const port = source.port ?? 22;
    const reason = await this.destinations.configuredRefusal(source.host!, port);
    if (reason) {
      throw new DomainError(
        'CONNECTION_DESTINATION_REFUSED',
        `source.host ${source.host}:${port} is refused: ${reason}.`,
        {
          errors: [{ field: 'source.host', message: `source.host is refused: ${reason}` }],
        },
      );
    }
  }

  /** Throws CONNECTION_IN_USE when another hospital already has this listener port or folder. */
  async assertNotShared(
    settings: SiuConnectionSettings,
    others: { hospitalId: string; settings: SiuConnectionSettings }[],
  ): Promise<void> {
    const port = settings.mllpListener?.port;
    if (port !== undefined) {
      if (this.platformPorts.has(port)) {
        throw inUse('mllpListener.port', `port ${port} is used by the platform itself`);
      }
      if (others.some((other) => other.settings.mllpListener?.port === port)) {
        throw inUse('mllpListener.port', `port ${port} is another hospital's SIU listener`);
      }
    }
    const mine = await this.folders(settings);
    for (const other of others) {
      if (other.settings.source.type !== settings.source.type) continue;
      if (settings.source.type === 'sftp' && !sameServer(settings, other.settings)) continue;
      const theirs = await this.folders(other.settings);
      const overlaps = mine.some((a) =>
        theirs.some((b) => nested(a, b, settings.source.type) || nested(b, a, settings.source.type)),
      );
      if (overlaps) {
        throw inUse(
          'source.path',
          "the folder (or its archive) is, contains or lies inside another hospital's SIU folder",
        );
      }
    }
  }

  /** The folders a connection reads from and writes to: the source and its archive, real paths for directories. */
  private async folders(settings: SiuConnectionSettings): Promise<string[]> {
    const { source } = settings;
    if (source.type === 'sftp') {
      return [
        posix.normalize(source.path),
        posix.normalize(settings.archivePath ?? posix.join(source.path, 'archive')),
      ];
    }
    const paths = [source.path, settings.archivePath ?? `${source.path}${sep}archive`];
    return Promise.all(paths.map((path) => this.bounds.realPath(path)));
  }
}

function sameServer(a: SiuConnectionSettings, b: SiuConnectionSettings): boolean {
  return (
    a.source.host?.toLowerCase().replace(/\.$/, '') === b.source.host?.toLowerCase().replace(/\.$/, '') &&
    (a.source.port ?? 22) === (b.source.port ?? 22)
  );
}

function nested(path: string, folder: string, type: 'directory' | 'sftp'): boolean {
  const rel = type === 'sftp' ? posix.relative(folder, path) : relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function inUse(field: string, reason: string): DomainError {
  return new DomainError('CONNECTION_IN_USE', `Invalid SIU connection: ${reason}.`, {
    errors: [{ field, message: reason }],
  });
}
