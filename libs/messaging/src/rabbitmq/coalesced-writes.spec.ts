import type { ChannelModel } from 'amqplib';
import { coalesceFrameWrites } from './coalesced-writes';

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
