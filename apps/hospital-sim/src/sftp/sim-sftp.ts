import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { Server, type Connection } from 'ssh2';
import { SftpRoot } from './sftp-root';
import { SftpSession } from './sftp-session';
import { SshAuthenticator } from './ssh-auth';
import { generateHostKey } from './ssh-host-key';

export interface SimSftp {
  /** Reachable host, as mllp.host. */
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** `SHA256:<base64 without padding>`, exactly as `ssh-keygen -l` prints it for the host key. */
  readonly hostKeySha256: string;
  /** The local directory served as the SFTP root `/`: `/x/y` on the wire is `<root>/x/y` on disk. */
  readonly root: string;
  /** Faults for the next requests (R8 of QUALITY.md); setFaults({}) clears them. */
  setFaults(faults: SimSftpFaults): void;
  close(): Promise<void>;
}

export interface SimSftpFaults {
  /** Writes, renames and mkdirs whose target is at or under this wire path (e.g. '/h1/archive') fail with
   *  SSH_FX_FAILURE and the message 'No space left on device', as a full disk does; nothing is changed on disk. */
  diskFullUnder?: string;
  /** Writes, renames and mkdirs at or under this wire path fail with SSH_FX_PERMISSION_DENIED, as a folder the
   *  account may only read; nothing is changed on disk. */
  readOnlyUnder?: string;
  /** New connections are served with another host key, as after the server was reinstalled (or an impostor). */
  otherHostKey?: boolean;
  /** A file read is cut off: after this many bytes of one file have been sent, the SSH connection is
   *  destroyed (as a network drop). Applies to every read while set. */
  cutReadAfterBytes?: number;
}

export interface SimSftpOptions {
  /** Where to listen; a wildcard is reported as 127.0.0.1. */
  readonly host: string;
  readonly root: string;
  /** Default 0 (chosen by the OS). */
  readonly port?: number;
  /** Default 'agenda' (the scheduling system's account). */
  readonly username?: string;
  /** Default: a random one per start. */
  readonly password?: string;
  /** OpenSSH public key line; when set, its private key logs in too. */
  readonly authorizedPublicKey?: string;
}

export const DEFAULT_SFTP_USERNAME = 'agenda';
/** close() never waits longer than this for connections to go away. */
const CLOSE_TIMEOUT_MS = 2000;

/**
 * An SFTP server (ssh2's Server, our own SFTP subsystem over a real directory) standing in for the
 * scheduling system's drop box. It owns the TCP listener and hands each socket to ssh2, so a fault can
 * drop one connection's socket the way a network failure does, and close() can end every connection.
 */
export async function startSimSftp(options: SimSftpOptions): Promise<SimSftp> {
  const root = await SftpRoot.open(options.root);
  const hostKey = generateHostKey();
  const otherHostKey = generateHostKey();
  const username = options.username ?? DEFAULT_SFTP_USERNAME;
  const password = options.password ?? randomBytes(18).toString('base64url');
  const auth = new SshAuthenticator({ username, password, authorizedPublicKey: options.authorizedPublicKey });
  let faults: SimSftpFaults = {};
  const sockets = new Map<string, net.Socket>();
  const sessions = new Set<SftpSession>();

  const serve = (connection: Connection, remote: { ip: string; port: number }): void => {
    const socket = sockets.get(remoteKey(remote.ip, remote.port));
    const dropConnection = (): void => {
      if (socket) socket.destroy();
      else connection.end();
    };
    const mine = new Set<SftpSession>();
    // A client that goes away mid-request is routine here, not an error to report.
    connection.on('error', () => undefined);
    connection.on('authentication', (context) => auth.authenticate(context));
    connection.on('ready', () => {
      connection.on('session', (acceptSession) => {
        acceptSession().on('sftp', (acceptSftp) => {
          const session = new SftpSession(acceptSftp(), { root, faults: () => faults, dropConnection });
          sessions.add(session);
          mine.add(session);
        });
      });
    });
    connection.on('close', () => {
      for (const session of mine) void session.release().then(() => sessions.delete(session));
    });
  };

  const ssh = new Server({ hostKeys: [hostKey.privateKey] }, serve);
  const impostor = new Server({ hostKeys: [otherHostKey.privateKey] }, serve);
  const server = net.createServer((socket) => {
    const key = remoteKey(socket.remoteAddress, socket.remotePort);
    sockets.set(key, socket);
    socket.once('close', () => {
      if (sockets.get(key) === socket) sockets.delete(key);
    });
    (faults.otherHostKey ? impostor : ssh).injectSocket(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets.values()) socket.destroy();
      await Promise.all([...sessions].map((session) => session.release()));
      await bounded(closed, CLOSE_TIMEOUT_MS);
    })();
    return closing;
  };

  return {
    host: options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host,
    port: (server.address() as net.AddressInfo).port,
    username,
    password,
    hostKeySha256: hostKey.sha256,
    root: resolvePath(options.root),
    setFaults: (next) => {
      faults = { ...next };
    },
    close,
  };
}

function remoteKey(address: string | undefined, port: number | undefined): string {
  return `${address ?? ''}|${port ?? ''}`;
}

async function bounded(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
