import * as net from 'node:net';
import * as tls from 'node:tls';
import { encodeHl7, type Hl7Charset } from '../model/hl7-charset';
import { DEFAULT_MAX_FRAME_BYTES, MllpDecoder, encodeMllpFrame } from './mllp-frame.codec';
import type { MllpError } from './mllp.errors';

export interface MllpConnectionInfo {
  /** Per-server connection number, for correlating log lines without logging PHI. */
  readonly id: number;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
  readonly tls: boolean;
}

/** What a handler answers: the ACK frame body, or undefined to send nothing. */
export type MllpReply = Buffer | string | undefined;

export interface MllpServerOptions {
  readonly host?: string;
  /** 0 asks the OS for a free port; `listen()` returns the bound one. */
  readonly port: number;
  /** Serve MLLP over TLS with these options (key, cert, ca, requestCert for mutual TLS...). */
  readonly tls?: tls.TlsOptions;
  readonly maxFrameBytes?: number;
  /** Charset used to encode string replies (default utf-8); return a Buffer to control it fully. */
  readonly replyCharset?: Hl7Charset;
  /** Frames read ahead per connection before the socket is paused (bounded memory). Default 32. */
  readonly maxPendingFrames?: number;
  /** Close a connection idle for this long; default never (interface engines keep MLLP links open). */
  readonly idleTimeoutMs?: number;
  /** Connections open at once; more are closed as they arrive (net.Server maxConnections). Default unlimited. */
  readonly maxConnections?: number;
  /**
   * Whether a peer may connect, by its address: refused ones are destroyed at connect, before a TLS
   * handshake or a byte is read. Default: everyone.
   */
  readonly allowSource?: (remoteAddress: string) => boolean;
  /**
   * After a frame too large (its reply sent), close the connection instead of reading on: what follows is
   * discarded, never buffered, until the peer goes or a short grace ends. Default false (decoding resumes).
   */
  readonly closeOnFrameError?: boolean;
  /** Called once per frame, in frame order per connection; its result is written back as a frame. */
  readonly onMessage: (frame: Buffer, connection: MllpConnectionInfo) => Promise<MllpReply> | MllpReply;
  /** onMessage threw: the reply for that frame (e.g. an AE the application builds), or nothing. */
  readonly onHandlerError?: (error: unknown, frame: Buffer, connection: MllpConnectionInfo) => MllpReply;
  /** A frame was too large and dropped: the reply (e.g. an AR from `error.frameHead`), or nothing. */
  readonly onFrameError?: (error: MllpError, connection: MllpConnectionInfo) => MllpReply;
}

const DEFAULT_MAX_PENDING_FRAMES = 32;
/** How long a connection closed for a too-large frame is still drained before it is destroyed. */
const REJECT_GRACE_MS = 2000;

/**
 * MLLP listener (transport only: it knows frames, not HL7). Each connection's frames are handled
 * one after the other and answered in order; a failing handler affects only its own frame.
 */
export class MllpServer {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private nextConnectionId = 1;

  constructor(private readonly options: MllpServerOptions) {}

  /** Starts listening; resolves with the bound port. */
  async listen(): Promise<number> {
    if (this.server) throw new Error('MllpServer is already listening');
    const secure = this.options.tls !== undefined;
    const server = secure
      ? tls.createServer({ ...this.options.tls, allowHalfOpen: true })
      : net.createServer({ allowHalfOpen: true });
    // Track raw sockets (TLS ones too, mid-handshake included) so close() can end every one of them.
    if (this.options.maxConnections !== undefined) server.maxConnections = this.options.maxConnections;
    server.on('connection', (socket: net.Socket) => {
      if (this.options.allowSource && !this.options.allowSource(socket.remoteAddress ?? '')) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      // An ACK is one small write a sender waits for: never held back by Nagle's algorithm for a TCP ACK.
      socket.setNoDelay(true);
      if (!secure) this.accept(socket, false);
    });
    if (secure) {
      server.on('secureConnection', (socket: tls.TLSSocket) => this.accept(socket, true));
      // A failed handshake only concerns that client; without a listener it would still be fine,
      // but being explicit documents that it is expected.
      server.on('tlsClientError', (_error: Error, socket: tls.TLSSocket) => socket.destroy());
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Errors after listen (e.g. EMFILE on accept) must not crash the process; the next accept retries.
    server.on('error', () => undefined);
    this.server = server;
    return (server.address() as net.AddressInfo).port;
  }

  /** The bound port, once listening. */
  get port(): number | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  /** Stops accepting and destroys every open connection. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private accept(socket: net.Socket, secure: boolean): void {
    const info: MllpConnectionInfo = {
      id: this.nextConnectionId++,
      remoteAddress: socket.remoteAddress,
      remotePort: socket.remotePort,
      tls: secure,
    };
    const maxPending = this.options.maxPendingFrames ?? DEFAULT_MAX_PENDING_FRAMES;
    let pending = 0;
    let paused = false;
    let chain: Promise<void> = Promise.resolve();

    const write = (reply: MllpReply): void => {
      if (reply === undefined || socket.destroyed || !socket.writable) return;
      const body = typeof reply === 'string' ? encodeHl7(reply, this.options.replyCharset) : reply;
      socket.write(encodeMllpFrame(body));
    };
    const enqueue = (
      produce: () => Promise<MllpReply> | MllpReply,
      onFailure: (error: unknown) => MllpReply,
    ): void => {
      pending++;
      if (pending >= maxPending && !paused) {
        paused = true;
        socket.pause();
      }
      chain = chain.then(async () => {
        let reply: MllpReply;
        try {
          reply = await produce();
        } catch (error) {
          try {
            reply = onFailure(error);
          } catch {
            reply = undefined;
          }
        }
        write(reply);
        pending--;
        // No reply written (a handler that answers nothing) must not leave the idle timer unarmed.
        if (pending === 0 && this.options.idleTimeoutMs) socket.setTimeout(this.options.idleTimeoutMs);
        if (paused && pending < maxPending) {
          paused = false;
          socket.resume();
        }
      });
    };

    let rejecting = false;
    const decoder = new MllpDecoder({
      maxFrameBytes: this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      onError: (error) => {
        if (rejecting) return;
        enqueue(
          () => this.options.onFrameError?.(error, info),
          () => undefined,
        );
        if (!this.options.closeOnFrameError) return;
        // Answer (after the frames before it), then close our side; the rest of the frame is read and dropped
        // (so the peer is not reset before it reads the reply), for a short grace at most.
        rejecting = true;
        void chain.then(() => {
          socket.end();
          setTimeout(() => socket.destroy(), REJECT_GRACE_MS).unref();
        });
      },
    });
    socket.on('data', (chunk: Buffer) => {
      if (rejecting) return;
      for (const frame of decoder.push(chunk)) {
        if (rejecting) break;
        enqueue(
          () => this.options.onMessage(frame, info),
          (error) => this.options.onHandlerError?.(error, frame, info),
        );
      }
    });
    // The peer finished sending: answer what it sent, then close our side.
    socket.on('end', () => {
      void chain.then(() => socket.end());
    });
    // Resets and broken pipes are normal network life; the socket is simply dropped.
    socket.on('error', () => socket.destroy());
    // Idle means the peer sent nothing AND we owe it no reply: a handler slower than the timeout (a busy
    // database) must still answer. The last answer re-arms the timer; `on`, not setTimeout's callback,
    // which is a `once`.
    if (this.options.idleTimeoutMs) {
      socket.setTimeout(this.options.idleTimeoutMs);
      socket.on('timeout', () => {
        if (pending === 0) socket.destroy();
      });
    }
  }
}
