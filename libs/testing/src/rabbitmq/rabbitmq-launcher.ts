import { freePort } from '@bridge/database';
import { connect } from 'amqplib';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface RabbitMqNode {
  /** amqp://guest:guest@127.0.0.1:<port> */
  url: string;
  nodeName: string;
  /** The node's private directory (its HOME, data and logs): names its Erlang VM in `ps` (`-home <dir>`). */
  dir: string;
  /** How long the last (re)start took until AMQP accepted connections. */
  lastStartMs: number;
  /**
   * Stops the node and starts it again on the same port and data directory: durable queues and
   * persistent messages survive. `graceful` lets RabbitMQ shut down cleanly (slower, about 3 s);
   * the default kills it, as a crash or power loss would.
   */
  restart(options?: { graceful?: boolean }): Promise<void>;
  /** Runs rabbitmqctl against this node (e.g. `close_all_connections`, `list_queues`); returns its output. */
  ctl(...args: string[]): Promise<string>;
  /** Kills the node and deletes its data. */
  stop(): Promise<void>;
}

export interface StartRabbitMqOptions {
  /** Bound on one start until AMQP answers. Default 60 s (a first boot takes ~8 s on 2 cores). */
  startTimeoutMs?: number;
}

/**
 * The broker script itself, not /usr/sbin/rabbitmq-server: that Debian wrapper re-executes as the
 * `rabbitmq` user via su (which cannot read our temp dir and drops our HOME) and refuses other users.
 */
const SERVER_CANDIDATES = [process.env.RABBITMQ_SERVER_BIN, '/usr/lib/rabbitmq/bin/rabbitmq-server'];

export function rabbitMqServerBinary(): string | undefined {
  return SERVER_CANDIDATES.find((candidate): candidate is string => !!candidate && existsSync(candidate));
}

/**
 * Starts a private RabbitMQ node for tests: own node name, own ports (asked from the OS), own data, log
 * and config in a temp dir, no plugins, so it coexists with a system broker and other test nodes. Only
 * epmd (the Erlang port mapper on 4369) is shared; it is started by the first node on the machine and
 * left running, as it serves every Erlang node.
 */
export async function startRabbitMq(options: StartRabbitMqOptions = {}): Promise<RabbitMqNode> {
  const binary = rabbitMqServerBinary();
  if (!binary)
    throw new Error(
      'rabbitmq-server not found (apt-get install rabbitmq-server, or set RABBITMQ_SERVER_BIN)',
    );
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const dir = await mkdtemp(join(tmpdir(), 'bridge-rabbitmq-'));
  const port = await freePort();
  let distPort = await freePort();
  while (distPort === port) distPort = await freePort();
  const nodeName = `bridge-test-${randomBytes(4).toString('hex')}@localhost`;
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  await writeFile(
    join(dir, 'rabbitmq.conf'),
    ['log.console = false', 'log.file.level = warning', ''].join('\n'),
  );
  await writeFile(join(dir, 'enabled_plugins'), '[].\n');
  await writeFile(join(dir, 'rabbitmq-env.conf'), '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // erl keeps its cookie in $HOME/.erlang.cookie: a private HOME gives a readable one, also as root.
    HOME: dir,
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    // The default (AMQP port + 20000) may be taken or above 65535 with an OS-picked port.
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    // Keeps /etc/rabbitmq/rabbitmq-env.conf (the system node's settings) out of this node.
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
  };
  const output = join(dir, 'server.out');
  let child: ChildProcess | undefined;
  let exited: string | undefined;
  let stopped = false;

  const launch = async (): Promise<void> => {
    // A stop() during a restart wins: no node may come up after it.
    if (stopped) throw new Error(`RabbitMQ test node ${nodeName} was stopped`);
    const started = Date.now();
    const fd = openSync(output, 'a');
    exited = undefined;
    // Its own process group (the watchdog shell, the broker script, beam, erl_child_setup), so one
    // kill(-pid) takes it all; stdin is the watchdog's lifeline to this process.
    const launched = spawn('/bin/sh', ['-c', WATCHDOG, 'rabbitmq-test-node', binary], {
      env,
      cwd: dir,
      detached: true,
      stdio: ['pipe', fd, fd],
    });
    closeSync(fd);
    child = launched;
    launched.on('error', (error) => (exited = `spawn failed: ${error.message}`));
    launched.on('exit', (code, signal) => {
      if (child === launched) exited = `exited with ${signal ?? code}`;
    });
    // A forgotten node must not keep the test process alive; when that process ends, the pipe closes
    // and the watchdog kills the node.
    launched.unref();
    (launched.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    await waitForAmqp(url, startTimeoutMs, () => exited, output);
    node.lastStartMs = Date.now() - started;
  };

  const halt = async (graceful: boolean): Promise<void> => {
    const running = child;
    if (!running?.pid) return;
    if (graceful) {
      // beam and the broker script both stop the node cleanly on TERM; kill it if that takes too long.
      signalGroup(running.pid, 'SIGTERM');
      await waitForGroupExit(running.pid, 15_000);
    }
    signalGroup(running.pid, 'SIGKILL');
    // Nothing of the group may hold the port or the data directory when the next start begins.
    await waitForGroupExit(running.pid, 15_000);
    running.stdin?.destroy();
  };

  const node: RabbitMqNode = {
    url,
    nodeName,
    dir,
    lastStartMs: 0,
    async restart({ graceful = false } = {}) {
      await halt(graceful);
      await launch();
    },
    ctl(...args) {
      return new Promise((resolve, reject) => {
        // Same HOME (the cookie) and node name; the CLI boots its own short-lived Erlang VM (~1 s).
        execFile(
          join(dirname(binary), 'rabbitmqctl'),
          ['-n', nodeName, ...args],
          { env },
          (error, stdout, stderr) =>
            error
              ? reject(new Error(`rabbitmqctl ${args.join(' ')}: ${stderr || error.message}`))
              : resolve(stdout),
        );
      });
    },
    async stop() {
      stopped = true;
      await halt(false);
      await rm(dir, { recursive: true, force: true });
    },
  };

  try {
    await launch();
  } catch (error) {
    await node.stop();
    throw error;
  }
  return node;
}

/**
 * Runs the broker script ($1) in the background and kills the whole process group as soon as stdin
 * reaches EOF: the launcher closed it, or the test process died without a chance to (SIGKILL, a CI
 * timeout). Background jobs of a non-interactive sh read /dev/null, hence the copy of stdin on fd 3.
 * Exits with the broker, so the launcher sees a broker that dies while starting.
 */
const WATCHDOG = [
  'exec 3<&0',
  '{ read -r line <&3; kill -KILL 0; } &',
  '"$1" </dev/null 3<&- &',
  'wait $!',
].join('\n');

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** Polls until no live process is left in the group (zombies wait for init to reap them: not alive). */
async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function groupAlive(pgid: number): boolean {
  if (!existsSync('/proc/self/stat')) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After "pid (comm) ": state, ppid, pgrp, ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      // Exited while we looked.
    }
  }
  return false;
}

/** Polls until an AMQP handshake succeeds: the listener opens only once the broker has booted. */
async function waitForAmqp(url: string, timeoutMs: number, exited: () => string | undefined, output: string) {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'not tried';
  while (Date.now() < deadline) {
    const died = exited();
    if (died) throw new Error(`rabbitmq-server ${died}:\n${tail(output)}`);
    try {
      const connection = await connect(url, { timeout: 2000 });
      await connection.close();
      return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `RabbitMQ did not accept AMQP connections within ${timeoutMs} ms (${lastError}):\n${tail(output)}`,
  );
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
}
