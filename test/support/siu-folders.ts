// Where test hospitals' SIU files are dropped: a fresh folder on disk per hospital, reached by the platform
// as a `directory` source or over SFTP. Not a suite itself.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimSftp, type SimSftp } from '../../apps/hospital-sim/src/sftp/sim-sftp';
import { startSshd, type Sshd } from './sshd';

export type SiuSourceKind = 'directory' | 'sftp';

export interface SiuFolder {
  /** The folder on disk: tests drop files here and look for them here. */
  dir: string;
  /** The `source` of an SIU connection that reaches it. */
  source: Record<string, unknown>;
}

export interface SiuFolders {
  readonly kind: SiuSourceKind;
  /** What serves the SFTP folders; `undefined` for directories. */
  readonly server?: 'openssh' | 'hospital-sim';
  /** The SFTP server's port on 127.0.0.1 (a test can put a proxy in front of it). */
  readonly port?: number;
  /** A new empty folder; `port` reaches the SFTP server another way (through a proxy). */
  create(key: string, options?: { port?: number }): SiuFolder;
  close(): Promise<void>;
}

/**
 * SIU folders of one kind. SFTP folders are served by OpenSSH's sshd when BRIDGE_TEST_SFTP=openssh
 * (`npm run test:infra` sets it: CI installs openssh-server), else by the hospital simulator's SFTP server,
 * so `npm test` needs nothing installed.
 */
export async function openSiuFolders(kind: SiuSourceKind): Promise<SiuFolders> {
  if (kind === 'directory') return directoryFolders();
  return process.env.BRIDGE_TEST_SFTP === 'openssh' ? opensshFolders(await startSshd()) : simFolders();
}

/**
 * The one folder test platforms allow `directory` sources in (SIU_DIRECTORY_ROOTS): every test's SIU and
 * archive folders are made inside it.
 */
export const TEST_SIU_ROOT = join(tmpdir(), 'bridge-test-siu');

/** A fresh folder inside TEST_SIU_ROOT. */
export function siuTempDir(prefix: string): string {
  mkdirSync(TEST_SIU_ROOT, { recursive: true });
  return mkdtempSync(join(TEST_SIU_ROOT, prefix));
}

export function directoryFolders(): SiuFolders {
  const root = siuTempDir('siu-folders-');
  return {
    kind: 'directory',
    create(key) {
      const dir = join(root, key);
      mkdirSync(dir);
      return { dir, source: { type: 'directory', path: dir } };
    },
    close: async () => rmSync(root, { recursive: true, force: true }),
  };
}

/** sshd serves the real file system: the SFTP path is the folder's own path. Key login, host key pinned. */
function opensshFolders(sshd: Sshd): SiuFolders {
  return {
    kind: 'sftp',
    server: 'openssh',
    port: sshd.port,
    create(key, options = {}) {
      const dir = join(sshd.root, key);
      mkdirSync(dir);
      const source = {
        type: 'sftp',
        host: '127.0.0.1',
        port: options.port ?? sshd.port,
        username: sshd.username,
        privateKey: sshd.privateKey,
        hostKeySha256: sshd.hostKeySha256,
        path: dir,
      };
      return { dir, source };
    },
    close: () => sshd.stop(),
  };
}

/** The simulator serves one root as `/`: the SFTP path is `/<key>`. Password login, host key pinned. */
export async function simFolders(): Promise<SiuFolders & { readonly sftp: SimSftp }> {
  const root = mkdtempSync(join(tmpdir(), 'siu-sim-sftp-'));
  const sftp = await startSimSftp({ host: '127.0.0.1', root });
  return {
    kind: 'sftp',
    server: 'hospital-sim',
    port: sftp.port,
    sftp,
    create(key, options = {}) {
      const dir = join(root, key);
      mkdirSync(dir);
      const source = {
        type: 'sftp',
        host: sftp.host,
        port: options.port ?? sftp.port,
        username: sftp.username,
        password: sftp.password,
        hostKeySha256: sftp.hostKeySha256,
        path: `/${key}`,
      };
      return { dir, source };
    },
    close: async () => {
      await sftp.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
