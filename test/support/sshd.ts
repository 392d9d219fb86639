// OpenSSH's sshd on loopback for the SIU SFTP suites: throwaway host and client keys, its own config, pid
// file and authorized_keys in a temp dir; nothing system-wide. Not a suite itself.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@bridge/database';
import { expectEventually } from '@bridge/testing';

const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  port: number;
  username: string;
  privateKey: string;
  /** `SHA256:<base64>`, as `ssh-keygen -l` prints it. */
  hostKeySha256: string;
  /** A directory the SFTP user can read and write: the tests' SIU drop folders go inside. */
  root: string;
  stop(): Promise<void>;
}

/**
 * Starts `sshd -D` on a free loopback port, key authentication only, internal-sftp. sshd insists on its
 * privilege-separation directory /run/sshd: when it does not exist, sshd runs in a private mount namespace
 * (`unshare -m`) where a temp dir stands in for /run, so the machine is left untouched; only where that is
 * not allowed is /run/sshd created, and removed again on stop.
 */
export async function startSshd(): Promise<Sshd> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: apt-get install openssh-server (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'siu-sshd-'));
  const root = join(dir, 'data');
  mkdirSync(root);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'Subsystem sftp internal-sftp',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const config = join(dir, 'sshd_config');
  let launched: Launched;
  try {
    launched = await launch(dir, config, { privateRun: !existsSync('/run/sshd') });
  } catch (error) {
    // No private mount namespace here (a container without CAP_SYS_ADMIN): sshd gets the standard
    // /run/sshd, which is removed again on stop when this created it.
    if (existsSync('/run/sshd')) throw error;
    mkdirSync('/run/sshd', { mode: 0o755 });
    launched = await launch(dir, config, { privateRun: false }).catch((cause: unknown) => {
      rmSync('/run/sshd', { recursive: true, force: true });
      throw cause;
    });
    const stopLaunched = launched.stop;
    launched.stop = async () => {
      await stopLaunched();
      rmSync('/run/sshd', { recursive: true, force: true });
    };
  }
  const stop = async () => {
    await launched.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const publicKey = readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ')[1];
  const fingerprint = createHash('sha256')
    .update(Buffer.from(publicKey, 'base64'))
    .digest('base64')
    .replace(/=+$/, '');
  return {
    username: userInfo().username,
    privateKey: readFileSync(join(dir, 'client_key'), 'utf8'),
    hostKeySha256: `SHA256:${fingerprint}`,
    port: launched.port,
    root,
    stop,
  };
}

interface Launched {
  port: number;
  stop(): Promise<void>;
}

async function launch(dir: string, config: string, options: { privateRun: boolean }): Promise<Launched> {
  const port = await freePort();
  const command = [SSHD, '-D', '-e', '-f', config, '-p', String(port)];
  let child: ChildProcess;
  if (options.privateRun) {
    mkdirSync(join(dir, 'run'), { recursive: true });
    const script = `mount --bind '${join(dir, 'run')}' /run && mkdir -p /run/sshd && exec ${command.join(' ')}`;
    child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
  } else {
    child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  }
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  child.on('error', (error) => (errors += error.message));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      for (const pid of [...descendants(child.pid), child.pid]) killQuietly(pid);
      await exited;
    }
  };
  try {
    await expectEventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${errors}`);
        await new Promise<void>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => (socket.destroy(), resolve()));
          socket.once('error', reject);
        });
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, stop };
}

/** The processes started under `pid` (sshd's per-connection children), found through /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const child of children.get(parent) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * A TCP relay in front of sshd that can cut every connection once the server has sent `cutAfterBytes`
 * more bytes: a source that goes away in the middle of a download (QUALITY.md R8).
 */
export class CuttingProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private cutAfterBytes = Infinity;
  port = 0;
  cuts = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      this.sockets.add(client).add(upstream);
      let budget = this.cutAfterBytes;
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      upstream.on('data', (chunk: Buffer) => {
        budget -= chunk.length;
        if (budget < 0) {
          this.cuts += 1;
          close();
          return;
        }
        client.write(chunk);
      });
      client.on('data', (chunk: Buffer) => upstream.write(chunk));
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Every connection opened from now on is cut after the server sent this many bytes. */
  cutAfter(bytes: number): void {
    this.cutAfterBytes = bytes;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
