import * as net from 'node:net';
import * as tls from 'node:tls';
import {
  Hl7ParseError,
  MLLP_START,
  MllpDecoder,
  ackTargetOf,
  buildAck,
  buildRejectAck,
  encodeHl7,
  encodeMllpFrame,
  parseHl7,
  type Hl7Charset,
  type Hl7Message,
} from '@bridge/hl7';
import type { SimPatient } from './dataset';
import { readSimQuery, SimQueryError, type SimQuery } from './hl7-query.reader';
import { buildSimReply, SIM_APPLICATION, SIM_FACILITY, type SimReplyOutcome } from './hl7-reply.builder';
import { findPatients } from './patient-lookup';
import { faultOf, SIM_ERROR_TEXT, SIM_GARBAGE_BODY, SIM_MISMATCH_PREFIX } from './sim-faults';
import type { SimWaits } from './sim-waits';

export interface MllpResponderOptions {
  readonly host: string;
  readonly port: number;
  readonly dataset: readonly SimPatient[];
  /** Replies are encoded in it; declared in MSH-18 when declareCharset. Also the fallback for queries. */
  readonly charset: Hl7Charset;
  readonly declareCharset: boolean;
  /** SIM-HANG drops the connection after this long; undefined = only at close(). */
  readonly hangMs?: number;
  readonly slowMs: number;
  readonly waits: SimWaits;
  /** Serve MLLP over TLS with this key and certificate (PEM), e.g. an expired or wrong-name one. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
}

/** What to do with one query frame. */
type SimAction =
  | { readonly kind: 'reply'; readonly body: Buffer }
  | { readonly kind: 'hang' }
  | { readonly kind: 'close'; readonly partial: Buffer }
  | { readonly kind: 'unclosed'; readonly body: Buffer };

/**
 * The A19 / Q22 responder. It runs its own TCP server on the lib's MLLP codec rather than
 * `MllpServer`, because the faults need the raw socket: a well-behaved server has no way to send
 * half a frame and close, which is exactly what SIM-CLOSE must do.
 */
export class MllpResponder {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private sequence = 0;
  private accepted = 0;

  constructor(private readonly options: MllpResponderOptions) {}

  async listen(): Promise<number> {
    const tlsOptions = this.options.tls;
    const server = tlsOptions
      ? tls.createServer({ ...tlsOptions, allowHalfOpen: true }, (socket) => this.accept(socket))
      : net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => undefined);
    // Every TCP connection, TLS handshakes that never finished included (allowHalfOpen keeps a probe's
    // half-closed socket open), so close() can end them all.
    server.on('connection', (raw: net.Socket) => {
      this.accepted++;
      this.sockets.add(raw);
      raw.once('close', () => this.sockets.delete(raw));
    });
    this.server = server;
    return (server.address() as net.AddressInfo).port;
  }

  /** Connections accepted since listen, and those still open (TLS handshakes that never finished included). */
  connections(): { accepted: number; open: number } {
    return { accepted: this.accepted, open: this.sockets.size };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const decoder = new MllpDecoder();
    // Frames of one connection are answered in order, like a real interface engine.
    let chain: Promise<void> = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) chain = chain.then(() => this.handle(socket, frame));
    });
    socket.on('end', () => {
      void chain.then(() => socket.end());
    });
  }

  private async handle(socket: net.Socket, frame: Buffer): Promise<void> {
    if (socket.destroyed || socket.writableEnded) return;
    let action: SimAction;
    try {
      action = await this.answer(frame);
    } catch {
      socket.destroy();
      return;
    }
    if (socket.destroyed || socket.writableEnded) return;
    switch (action.kind) {
      case 'reply':
        socket.write(encodeMllpFrame(action.body));
        return;
      case 'hang':
        await this.options.waits.wait(this.options.hangMs);
        socket.destroy();
        return;
      case 'close':
        socket.end(Buffer.concat([Buffer.from([MLLP_START]), action.partial]));
        return;
      case 'unclosed':
        socket.write(Buffer.concat([Buffer.from([MLLP_START]), action.body]));
        await this.options.waits.wait(this.options.hangMs);
        socket.destroy();
        return;
    }
  }

  /** Builds the answer to one frame: a reply, a reject ACK, or a fault. */
  private async answer(frame: Buffer): Promise<SimAction> {
    const { charset } = this.options;
    let message: Hl7Message;
    try {
      message = parseHl7(frame, { charset });
    } catch (error) {
      if (!(error instanceof Hl7ParseError)) throw error;
      const text = buildRejectAck(frame, {
        text: 'the message could not be parsed',
        controlId: this.nextControlId(),
        at: new Date(),
        sendingApplication: SIM_APPLICATION,
        sendingFacility: SIM_FACILITY,
      });
      return { kind: 'reply', body: encodeHl7(text, charset) };
    }

    let query: SimQuery;
    try {
      query = readSimQuery(message);
    } catch (error) {
      if (!(error instanceof SimQueryError)) throw error;
      const target = { ...ackTargetOf(message), charset: this.declaredCharset() };
      const text = buildAck(target, {
        code: 'AR',
        text: error.message,
        controlId: this.nextControlId(),
        at: new Date(),
      });
      return { kind: 'reply', body: encodeHl7(text, charset) };
    }

    const fault = faultOf(query.lookup.value);
    const reply = (outcome: SimReplyOutcome, acknowledges = message.controlId): Buffer =>
      encodeHl7(
        buildSimReply(message, query, outcome, {
          controlId: this.nextControlId(),
          acknowledges,
          at: new Date(),
          charset: this.declaredCharset(),
        }),
        charset,
      );
    const someone = (): SimReplyOutcome => ({ kind: 'found', patients: this.options.dataset.slice(0, 1) });

    switch (fault) {
      case 'hang':
        return { kind: 'hang' };
      case 'garbage':
        return { kind: 'reply', body: Buffer.from(SIM_GARBAGE_BODY, 'latin1') };
      case 'close': {
        const full = reply(someone());
        return { kind: 'close', partial: full.subarray(0, Math.ceil(full.length / 2)) };
      }
      case 'mismatch':
        return { kind: 'reply', body: reply(someone(), SIM_MISMATCH_PREFIX + message.controlId) };
      case 'unclosed':
        return { kind: 'unclosed', body: reply(someone()) };
      case 'error':
        return { kind: 'reply', body: reply({ kind: 'error', text: SIM_ERROR_TEXT }) };
      case 'slow':
        await this.options.waits.wait(this.options.slowMs);
        break;
      case undefined:
        break;
    }
    const patients = findPatients(this.options.dataset, query.lookup);
    return { kind: 'reply', body: reply({ kind: 'found', patients }) };
  }

  private declaredCharset(): Hl7Charset | undefined {
    return this.options.declareCharset ? this.options.charset : undefined;
  }

  private nextControlId(): string {
    this.sequence += 1;
    return `SIM${String(this.sequence).padStart(8, '0')}`;
  }
}
