import type { Channel, ChannelModel } from 'amqplib';

/** The parts of amqplib's connection (2.x, pinned by the lockfile) this relies on. */
interface Muxer {
  out: { cork(): void; uncork(): void };
  _readIncoming(): void;
}

/**
 * Sends the frames amqplib has queued in one socket write instead of one write each. amqplib's Mux drains
 * every channel's queue once per event-loop turn, writing chunk by chunk (a publish, an ack, a reply: one
 * each), and on loopback each write is a system call that also runs the receiving side's TCP stack. Corked
 * around that drain, a turn's frames leave in one `writev` — under load, many requests' frames — in the order
 * amqplib wrote them. Nothing is delayed: the uncork is in the same turn. Returns false (and changes nothing)
 * if amqplib's internals are not the shape this expects, so an upgrade degrades to one write per frame.
 */
export function coalesceFrameWrites(model: ChannelModel): boolean {
  const muxer = (model.connection as unknown as { muxer?: Partial<Muxer> }).muxer;
  if (typeof muxer?._readIncoming !== 'function' || typeof muxer.out?.cork !== 'function') return false;
  const readIncoming = muxer._readIncoming;
  const out = muxer.out;
  muxer._readIncoming = function (this: Muxer) {
    out.cork();
    try {
      readIncoming.call(this);
    } finally {
      out.uncork();
    }
  };
  return true;
}

/**
 * Writes the frames amqplib has queued on `channel`'s connection now, rather than at its scheduled drain.
 * amqplib schedules that drain with setImmediate, and one scheduled from a setImmediate callback runs only
 * in the next event-loop turn: the RPC groups are published from one (rpc-grouping.ts), and without this
 * each would wait a whole turn more than an ungrouped request did. A drain with nothing queued writes
 * nothing, so the scheduled one stays harmless. Does nothing if amqplib is not the shape this expects
 * (an upgrade then costs the groups a turn, nothing else).
 */
export function writeQueuedFrames(channel: Channel): void {
  const connection = (channel as unknown as { connection?: { muxer?: Partial<Muxer> } }).connection;
  const muxer = connection?.muxer;
  if (typeof muxer?._readIncoming !== 'function') return;
  try {
    muxer._readIncoming();
  } catch {
    // A broken stream: the connection's own error and close events report it and fail what waits on it.
  }
}
