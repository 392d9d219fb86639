import * as net from 'node:net';
import * as tls from 'node:tls';
import { encodeHl7, type Hl7Charset } from '../model/hl7-charset';
import { DEFAULT_MAX_FRAME_BYTES, MllpDecoder, encodeMllpFrame } from './mllp-frame.codec';
import { MllpError } from './mllp.errors';

export interface MllpClientOptions {
  readonly host: string;
  readonly port: number;
  /** Connect with TLS using these options (ca, servername, key/cert for mutual TLS...). */
  readonly tls?: tls.ConnectionOptions;
  /** Upper bound for one send, from the call to the reply: connect, queueing and waiting included. */
  readonly timeoutMs: number;
  readonly maxFrameBytes?: number;
  /** Charset used to encode string messages (default utf-8); pass a Buffer to control it fully. */
  readonly charset?: Hl7Charset;
  /** After a failed connect, further connects wait initialBackoffMs, doubling up to maxBackoffMs. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

interface Job {
  readonly payload: Buffer;
  readonly resolve: (frame: Buffer) => void;
  readonly reject: (error: MllpError) => void;
  timer?: NodeJS.Timeout;
  settled: boolean;
}

type ConnectionState = 'connecting' | 'ready';

/**
 * An MLLP client that keeps one connection open and sends one message at a time, each waiting for
 * its reply frame (MLLP has no correlation of its own; MSA-2 is checked by the application). Any
 * failure, timeout or frame nobody waits for destroys the connection, so a late reply is not taken
 * for the next one's; the next send reconnects, with backoff after failed connects. Never hangs past
 * timeoutMs.
 */
export class MllpClient {
  private readonly queue: Job[] = [];
  private active: Job | undefined;
  private socket: net.Socket | undefined;
  private state: ConnectionState | undefined;
  private failedConnects = 0;
  private retryAt = 0;
  private lastConnectError: MllpError | undefined;
  private decoder: MllpDecoder | undefined;
  private closed = false;

  constructor(private readonly options: MllpClientOptions) {
    if (!(options.timeoutMs > 0)) throw new RangeError('timeoutMs must be a positive number');
  }

  /** True while the connection is open and nothing is sent or waiting: the client can take a message at once. */
  get idleAndConnected(): boolean {
    return this.state === 'ready' && !this.active && this.queue.length === 0 && !this.closed;
  }

  /**
   * Sends one message and resolves with the body of the reply frame. Rejects with MllpError.
   * `timeoutMs` bounds this send only (default: the client's).
   */
  send(message: Buffer | string, timeoutMs = this.options.timeoutMs): Promise<Buffer> {
    if (this.closed)
      return Promise.reject(new MllpError('MLLP_CONNECTION_CLOSED', 'the MLLP client is closed'));
    const body = typeof message === 'string' ? encodeHl7(message, this.options.charset) : message;
    return new Promise<Buffer>((resolve, reject) => {
      const job: Job = { payload: encodeMllpFrame(body), resolve, reject, settled: false };
      job.timer = setTimeout(() => this.timeout(job, timeoutMs), timeoutMs);
      this.queue.push(job);
      this.pump();
    });
  }

  /** Rejects queued sends and destroys the connection. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0))
      this.settle(job, new MllpError('MLLP_CONNECTION_CLOSED', 'the MLLP client was closed'));
    if (this.active)
      this.settle(this.active, new MllpError('MLLP_CONNECTION_CLOSED', 'the MLLP client was closed'));
    this.active = undefined;
    this.dropConnection();
  }

  private pump(): void {
    if (this.active || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.active = job;
    if (this.state === 'ready' && this.socket) {
      this.socket.write(job.payload);
    } else if (this.state === undefined) {
      this.connect();
    }
  }

  private connect(): void {
    const now = Date.now();
    if (now < this.retryAt && this.lastConnectError) {
      // Still backing off: fail at once with the reason, instead of hammering the hospital.
      const reason = this.lastConnectError;
      this.finishActive(
        new MllpError(reason.code, `${reason.message} (retrying in ${this.retryAt - now} ms)`),
      );
      return;
    }
    const { host, port } = this.options;
    const secure = this.options.tls !== undefined;
    const socket = secure
      ? tls.connect({
          ...this.options.tls,
          host,
          port,
          servername: this.options.tls?.servername ?? (net.isIP(host) ? undefined : host),
        })
      : net.connect({ host, port });
    this.socket = socket;
    this.state = 'connecting';
    let tcpConnected = false;
    const decoder = new MllpDecoder({
      maxFrameBytes: this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      onError: (error) => this.fail(socket, error),
    });
    this.decoder = decoder;

    socket.setNoDelay(true);
    socket.once('connect', () => {
      tcpConnected = true;
    });
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      this.state = 'ready';
      this.failedConnects = 0;
      this.retryAt = 0;
      this.lastConnectError = undefined;
      if (this.active) socket.write(this.active.payload);
    });
    socket.on('data', (chunk: Buffer) => {
      const frames = decoder.push(chunk);
      if (frames.length === 0 || this.socket !== socket) return;
      // A frame nobody waits for (a late or an extra reply) would be read as the next message's reply:
      // the connection can no longer be trusted, so it goes (the next send reconnects).
      if (this.active && frames.length === 1) this.finishActive(undefined, frames[0]);
      else if (this.active) this.fail(socket, undefined, frames[0]);
      else this.dropConnection();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (this.state === 'connecting') {
        const failure = classifyConnectError(error, { secure, tcpConnected, host, port });
        this.failedConnects++;
        const initial = this.options.initialBackoffMs ?? 100;
        const max = this.options.maxBackoffMs ?? 5000;
        this.retryAt = Date.now() + Math.min(max, initial * 2 ** (this.failedConnects - 1));
        this.lastConnectError = failure;
        this.fail(socket, failure);
      } else {
        this.fail(
          socket,
          new MllpError('MLLP_CONNECTION_CLOSED', 'the MLLP connection failed', { cause: error }),
        );
      }
    });
    socket.on('close', () => {
      // Every exchange ends with its socket closing: only a socket still in use has an exchange to fail
      // (an error built for nothing captures a stack trace on every query).
      if (this.socket !== socket) return;
      const message = decoder.midFrame
        ? 'the peer closed the connection mid-frame'
        : 'the peer closed the connection';
      this.fail(socket, new MllpError('MLLP_CONNECTION_CLOSED', message));
    });
  }

  /** Ends the exchange in progress on `socket` (if it is still ours) and drops the connection. */
  private fail(socket: net.Socket, error: MllpError | undefined, frame?: Buffer): void {
    if (this.socket !== socket) return;
    this.dropConnection();
    this.finishActive(error, frame);
  }

  private finishActive(error: MllpError | undefined, frame?: Buffer): void {
    const job = this.active;
    this.active = undefined;
    if (job) this.settle(job, error, frame);
    this.pump();
  }

  private timeout(job: Job, timeoutMs: number): void {
    if (job.settled) return;
    // A reply that started but never ended (no FS CR) is a different hospital fault than silence.
    const unclosed = this.active === job && this.decoder?.midFrame === true;
    const error = new MllpError(
      'MLLP_TIMEOUT',
      unclosed
        ? `the reply's MLLP frame was not closed within ${timeoutMs} ms`
        : `no MLLP reply within ${timeoutMs} ms`,
      { frameUnclosed: unclosed },
    );
    if (this.active === job) {
      // The reply may still come later: drop the connection so it is never read as the next reply.
      this.dropConnection();
      this.finishActive(error);
    } else {
      const index = this.queue.indexOf(job);
      if (index >= 0) this.queue.splice(index, 1);
      this.settle(job, error);
    }
  }

  private settle(job: Job, error: MllpError | undefined, frame?: Buffer): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    if (error) job.reject(error);
    else job.resolve(frame ?? Buffer.alloc(0));
  }

  private dropConnection(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.state = undefined;
    this.decoder = undefined;
    socket?.destroy();
  }
}

function classifyConnectError(
  error: NodeJS.ErrnoException,
  context: { secure: boolean; tcpConnected: boolean; host: string; port: number },
): MllpError {
  const where = `${context.host}:${context.port}`;
  if (error.code === 'ECONNREFUSED') {
    return new MllpError('MLLP_CONNECTION_REFUSED', `connection refused by ${where}`, { cause: error });
  }
  if (context.secure && context.tcpConnected) {
    return new MllpError('MLLP_TLS_ERROR', `TLS handshake with ${where} failed: ${error.message}`, {
      cause: error,
    });
  }
  if (error.code === 'ECONNRESET' && context.tcpConnected) {
    return new MllpError('MLLP_CONNECTION_CLOSED', `${where} closed the connection`, { cause: error });
  }
  return new MllpError(
    'MLLP_CONNECTION_FAILED',
    `cannot connect to ${where}: ${error.code ?? error.message}`,
    {
      cause: error,
    },
  );
}

export type SendMllpOptions = Omit<MllpClientOptions, 'initialBackoffMs' | 'maxBackoffMs'>;

/**
 * One exchange on a fresh connection: connect, send one frame, wait for one reply frame. The
 * socket is always destroyed afterwards; rejects with MllpError within timeoutMs.
 */
export async function sendMllp(message: Buffer | string, options: SendMllpOptions): Promise<Buffer> {
  const client = new MllpClient(options);
  try {
    return await client.send(message);
  } finally {
    await client.close();
  }
}
