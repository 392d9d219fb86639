import { MllpClient, type SendMllpOptions } from './mllp.client';
import { MllpError } from './mllp.errors';

/** Where one peer's exchanges go; a peer is kept connections' unit (a hospital, say). */
export interface KeptPeer {
  /** Names the peer: its connections are never lent to another peer. */
  readonly peer: string;
  /**
   * Everything the connections depend on (address, TLS, charset, settings version...): when it differs
   * from what the peer's kept connections were opened with, those are closed and new ones opened.
   */
  readonly version: string;
  readonly send: SendMllpOptions;
  /** How long a connection stays open after its last reply, waiting for the next exchange. */
  readonly keepOpenMs: number;
}

interface KeptClient {
  readonly client: MllpClient;
  readonly idleTimer: NodeJS.Timeout;
}

interface PeerConnections {
  readonly version: string;
  /** Idle connections, the most recently used last: taken from the end, so the rest can time out. */
  readonly idle: KeptClient[];
}

/** What the caller made of a reply, and whether the reply answered the message sent (MSA-2 matched). */
export interface ReadReply<T> {
  readonly value: T;
  readonly answered: boolean;
}

/**
 * MLLP connections kept open between exchanges, for peers configured to keep them: no connect (and no
 * TLS handshake) per message. A connection carries one exchange at a time (MLLP has no correlation of
 * its own), is kept only when its reply answered the message sent (a late reply on it would be read
 * as the next one's), and is closed after `keepOpenMs` idle, when its peer's settings change, when the
 * peer closes it, and on close(). Concurrent exchanges open more connections, up to `maxKeptPerPeer`
 * of which are kept.
 */
export class MllpKeptConnections {
  private readonly peers = new Map<string, PeerConnections>();
  private closed = false;

  constructor(private readonly maxKeptPerPeer = 16) {}

  /**
   * Sends `message` on one of the peer's kept connections, or a new one, and reads the reply with `read`.
   * A kept connection the peer closed as the message left (its own idle timeout racing ours) is retried
   * once on a new connection, within the same timeout: for queries, which change nothing at the peer.
   */
  async exchange<T>(
    target: KeptPeer,
    message: Buffer | string,
    read: (reply: Buffer) => ReadReply<T>,
  ): Promise<T> {
    const started = Date.now();
    const kept = this.take(target);
    if (kept) {
      try {
        return this.finish(target, kept, await kept.send(message), read);
      } catch (error) {
        void kept.close();
        const remainingMs = target.send.timeoutMs - (Date.now() - started);
        if (!isClosedByPeer(error) || remainingMs <= 0) throw error;
        return this.exchangeOnNewConnection(target, message, read, remainingMs);
      }
    }
    return this.exchangeOnNewConnection(target, message, read, target.send.timeoutMs);
  }

  /** Closes every kept connection; exchanges after this use a connection each. */
  async close(): Promise<void> {
    this.closed = true;
    const idle = [...this.peers.values()].flatMap((connections) => connections.idle);
    this.peers.clear();
    await Promise.all(idle.map((kept) => this.discard(kept)));
  }

  /** Every peer that has had kept connections, with how many are open and idle now. */
  keptCounts(): { peer: string; count: number }[] {
    return [...this.peers].map(([peer, connections]) => ({ peer, count: connections.idle.length }));
  }

  private async exchangeOnNewConnection<T>(
    target: KeptPeer,
    message: Buffer | string,
    read: (reply: Buffer) => ReadReply<T>,
    timeoutMs: number,
  ): Promise<T> {
    const client = new MllpClient(target.send);
    try {
      return this.finish(target, client, await client.send(message, timeoutMs), read);
    } catch (error) {
      void client.close();
      throw error;
    }
  }

  /** Reads the reply and keeps the connection when it answered; a read that throws is the caller's to close. */
  private finish<T>(
    target: KeptPeer,
    client: MllpClient,
    reply: Buffer,
    read: (reply: Buffer) => ReadReply<T>,
  ): T {
    const result = read(reply);
    if (result.answered) this.keep(target, client);
    else void client.close();
    return result.value;
  }

  /** The peer's most recently used idle connection that is still open, if any. */
  private take(target: KeptPeer): MllpClient | undefined {
    const connections = this.current(target);
    for (let kept = connections?.idle.pop(); kept; kept = connections?.idle.pop()) {
      if (kept.client.idleAndConnected) {
        clearTimeout(kept.idleTimer);
        return kept.client;
      }
      void this.discard(kept);
    }
    return undefined;
  }

  private keep(target: KeptPeer, client: MllpClient): void {
    let connections = this.peers.get(target.peer);
    if (!connections && !this.closed) {
      connections = { version: target.version, idle: [] };
      this.peers.set(target.peer, connections);
    }
    // An exchange that started before the peer's settings changed ends on a connection opened with the
    // old ones: it is not kept (only take(), at the start of an exchange, replaces the peer's version).
    if (
      connections === undefined ||
      connections.version !== target.version ||
      connections.idle.length >= this.maxKeptPerPeer ||
      !client.idleAndConnected
    ) {
      void client.close();
      return;
    }
    const idle = connections.idle;
    const kept: KeptClient = {
      client,
      idleTimer: setTimeout(() => {
        const index = idle.indexOf(kept);
        if (index >= 0) idle.splice(index, 1);
        void client.close();
      }, target.keepOpenMs),
    };
    kept.idleTimer.unref();
    idle.push(kept);
  }

  /** The peer's kept connections when opened with the target's version; others are closed. */
  private current(target: KeptPeer): PeerConnections | undefined {
    const connections = this.peers.get(target.peer);
    if (!connections || connections.version === target.version) return connections;
    this.peers.delete(target.peer);
    for (const kept of connections.idle) void this.discard(kept);
    return undefined;
  }

  private discard(kept: KeptClient): Promise<void> {
    clearTimeout(kept.idleTimer);
    return kept.client.close();
  }
}

function isClosedByPeer(error: unknown): boolean {
  return error instanceof MllpError && error.code === 'MLLP_CONNECTION_CLOSED';
}
