import { join, posix } from 'node:path';
import type { DestinationPolicy } from '@bridge/config';
import type { SiuConnectionSettings } from '../connections/siu-settings';
import type { DirectoryBounds } from './directory-bounds';
import { DirectorySource } from './directory.source';
import { SftpSource } from './sftp.source';
import type { SiuSource } from './siu-source';

const SFTP_READY_TIMEOUT_MS = 15_000;

/** The source of a connection. The default archive (`archive` inside the source) is created when missing. */
export async function openSiuSource(
  settings: SiuConnectionSettings,
  reach: { bounds: DirectoryBounds; destinations: DestinationPolicy },
  observe: { onHostKey?: (key: Buffer) => void } = {},
): Promise<SiuSource> {
  const { source } = settings;
  if (source.type === 'directory') {
    return new DirectorySource(
      source.path,
      {
        path: settings.archivePath ?? join(source.path, 'archive'),
        create: settings.archivePath === undefined,
      },
      reach.bounds,
    );
  }
  if (!source.hostKeySha256 && source.insecureSkipHostKeyCheck !== true) {
    // Saved before pinning was required: refused until an admin pins the key (or opts out explicitly).
    throw new Error('no pinned host key (set hostKeySha256, or insecureSkipHostKeyCheck: true)');
  }
  const port = source.port ?? 22;
  // The destination policy on the address actually connected to: looked up once, checked, connected to.
  const address = await reach.destinations.resolve(source.host!, port);
  return SftpSource.connect({
    host: source.host!,
    address: address.address,
    port,
    username: source.username!,
    password: source.password,
    privateKey: source.privateKey,
    passphrase: source.passphrase,
    hostKeySha256: source.hostKeySha256,
    path: source.path,
    archive: {
      path: settings.archivePath ?? posix.join(source.path, 'archive'),
      create: settings.archivePath === undefined,
    },
    readyTimeoutMs: SFTP_READY_TIMEOUT_MS,
    ...(observe.onHostKey ? { onHostKey: observe.onHostKey } : {}),
  });
}
