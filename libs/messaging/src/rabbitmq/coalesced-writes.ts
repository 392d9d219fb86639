import type { ChannelModel } from 'amqplib';

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
