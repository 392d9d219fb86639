import type { Channel, ChannelModel } from 'amqplib';
import { coalesceFrameWrites, writeQueuedFrames } from './coalesced-writes';

/** A stand-in for amqplib's connection: its Mux writes two frames per drain to a socket that records calls. */
function fakeConnection(readThrows = false) {
  const calls: string[] = [];
  const out = {
    cork: () => calls.push('cork'),
    uncork: () => calls.push('uncork'),
    write: (frame: string) => calls.push(frame),
  };
  const muxer = {
    out,
    _readIncoming() {
      out.write('frame 1');
      if (readThrows) throw new Error('stream error');
      out.write('frame 2');
    },
  };
  return { calls, muxer, model: { connection: { muxer } } as unknown as ChannelModel };
}

describe('coalesceFrameWrites', () => {
  it("corks the socket around each drain of amqplib's queues, so their frames leave together and in order", () => {
    const { calls, muxer, model } = fakeConnection();
    expect(coalesceFrameWrites(model)).toBe(true);

    muxer._readIncoming();
    muxer._readIncoming();

    expect(calls).toEqual(['cork', 'frame 1', 'frame 2', 'uncork', 'cork', 'frame 1', 'frame 2', 'uncork']);
  });

  it('uncorks even when a drain throws, so later frames are never held back', () => {
    const { calls, muxer, model } = fakeConnection(true);
    coalesceFrameWrites(model);

    expect(() => muxer._readIncoming()).toThrow('stream error');
    expect(calls).toEqual(['cork', 'frame 1', 'uncork']);
  });

  it('changes nothing and says so when amqplib is not the shape it knows', () => {
    expect(coalesceFrameWrites({ connection: {} } as unknown as ChannelModel)).toBe(false);
    expect(
      coalesceFrameWrites({ connection: { muxer: { _readIncoming() {} } } } as unknown as ChannelModel),
    ).toBe(false);
  });
});

describe('writeQueuedFrames', () => {
  it("drains the channel's connection now, corked like amqplib's own drain", () => {
    const { calls, model } = fakeConnection();
    coalesceFrameWrites(model);
    const channel = { connection: model.connection } as unknown as Channel;

    writeQueuedFrames(channel);

    expect(calls).toEqual(['cork', 'frame 1', 'frame 2', 'uncork']);
  });

  it('leaves a broken stream to the connection and an unknown shape alone', () => {
    const { calls, model } = fakeConnection(true);
    expect(() => writeQueuedFrames({ connection: model.connection } as unknown as Channel)).not.toThrow();
    expect(calls).toEqual(['frame 1']);
    expect(() => writeQueuedFrames({ connection: {} } as unknown as Channel)).not.toThrow();
  });
});
