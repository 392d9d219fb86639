import * as net from 'node:net';
import { encodeMllpFrame, MllpDecoder } from './mllp-frame.codec';
import { MllpKeptConnections, type KeptPeer, type ReadReply } from './mllp-kept-connections';
import { MllpError } from './mllp.errors';
import { eventually, rawServer } from './mllp-test.helpers';

const HOST = '127.0.0.1';

/**
 * A peer answering every frame `reply:<frame>` on the connection it came on, unless `behave` says
 * otherwise for that connection's n-th frame (1-based). `frames` records [connection, frame] pairs.
 */
async function peer(
  behave?: (socket: net.Socket, frame: string, nth: number) => 'answer' | 'late' | 'close' | 'silent',
) {
  const frames: [number, string][] = [];
  let connections = 0;
  const server = await rawServer((socket) => {
    const connection = ++connections;
    let nth = 0;
    const decoder = new MllpDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        const text = frame.toString();
        frames.push([connection, text]);
        const action = behave?.(socket, text, ++nth) ?? 'answer';
        const reply = encodeMllpFrame(Buffer.from(`reply:${text}`));
        if (action === 'answer') socket.write(reply);
        if (action === 'late') setTimeout(() => socket.writable && socket.write(reply), 200);
        if (action === 'close') socket.destroy();
      }
    });
  });
  return { ...server, frames, connectionsOf: () => frames.map(([connection]) => connection) };
}

const answered = (reply: Buffer): ReadReply<string> => ({ value: reply.toString(), answered: true });

/** How many connections `kept` holds open, idle, for `peer`. */
const keptFor = (kept: MllpKeptConnections, peer: string): number =>
  kept.keptCounts().find((counted) => counted.peer === peer)?.count ?? 0;

describe('MllpKeptConnections (real sockets)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function setUp(behave?: Parameters<typeof peer>[0], maxKeptPerPeer?: number) {
    const server = await peer(behave);
    const kept = new MllpKeptConnections(maxKeptPerPeer);
    cleanups.push(() => kept.close(), server.close);
    const target = (overrides: Partial<KeptPeer> = {}): KeptPeer => ({
      peer: 'hospital-a',
      version: 'v1',
      send: { host: HOST, port: server.port, timeoutMs: 2000 },
      keepOpenMs: 60_000,
      ...overrides,
    });
    return { server, kept, target };
  }

  it('exchanges in turn share one connection, which stays open for the next', async () => {
    const { server, kept, target } = await setUp();
    for (const text of ['a', 'b', 'c'])
      expect(await kept.exchange(target(), text, answered)).toBe(`reply:${text}`);
    expect(server.connectionsOf()).toEqual([1, 1, 1]);
    expect(server.sockets.size).toBe(1);
    expect(keptFor(kept, 'hospital-a')).toBe(1);
  });

  it('concurrent exchanges open a connection each; at most maxKeptPerPeer are kept', async () => {
    const { server, kept, target } = await setUp(undefined, 2);
    const replies = await Promise.all(['a', 'b', 'c'].map((text) => kept.exchange(target(), text, answered)));
    expect(replies).toEqual(['reply:a', 'reply:b', 'reply:c']);
    expect(new Set(server.connectionsOf()).size).toBe(3);
    expect(keptFor(kept, 'hospital-a')).toBe(2);
    await eventually(() => expect(server.sockets.size).toBe(2));
  });

  it('never lends one peer’s connection to another peer', async () => {
    const { server, kept, target } = await setUp();
    await kept.exchange(target(), 'a', answered);
    await kept.exchange(target({ peer: 'hospital-b' }), 'b', answered);
    expect(server.connectionsOf()).toEqual([1, 2]);
    expect(kept.keptCounts()).toEqual([
      { peer: 'hospital-a', count: 1 },
      { peer: 'hospital-b', count: 1 },
    ]);
  });

  it('closes a connection idle for keepOpenMs', async () => {
    const { server, kept, target } = await setUp();
    await kept.exchange(target({ keepOpenMs: 100 }), 'a', answered);
    expect(server.sockets.size).toBe(1);
    await eventually(() => expect(server.sockets.size).toBe(0));
    expect(keptFor(kept, 'hospital-a')).toBe(0);
  });

  it('a new version of the peer’s settings closes the connections opened with the old one', async () => {
    const { server, kept, target } = await setUp();
    await kept.exchange(target(), 'a', answered);
    await kept.exchange(target({ version: 'v2' }), 'b', answered);
    await kept.exchange(target({ version: 'v2' }), 'c', answered);
    expect(server.connectionsOf()).toEqual([1, 2, 2]);
    await eventually(() => expect(server.sockets.size).toBe(1));
  });

  it('an exchange begun with the old settings does not bring its connection back after a change', async () => {
    const { server, kept, target } = await setUp((_socket, frame) => (frame === 'old' ? 'late' : 'answer'));
    const old = kept.exchange(target(), 'old', answered);
    await eventually(() => expect(server.frames).toHaveLength(1));
    await kept.exchange(target({ version: 'v2' }), 'new', answered);
    expect(await old).toBe('reply:old');
    await kept.exchange(target({ version: 'v2' }), 'next', answered);
    expect(server.frames).toEqual([
      [1, 'old'],
      [2, 'new'],
      [2, 'next'],
    ]);
    expect(keptFor(kept, 'hospital-a')).toBe(1);
    await eventually(() => expect(server.sockets.size).toBe(1));
  });

  it('a reply that did not answer the message closes its connection', async () => {
    const { server, kept, target } = await setUp();
    const mismatched = (reply: Buffer) => ({ value: reply.toString(), answered: false });
    expect(await kept.exchange(target(), 'a', mismatched)).toBe('reply:a');
    await kept.exchange(target(), 'b', answered);
    expect(server.connectionsOf()).toEqual([1, 2]);
    await eventually(() => expect(server.sockets.size).toBe(1));
  });

  it('a read that throws closes the connection and the error reaches the caller', async () => {
    const { server, kept, target } = await setUp();
    const broken = (): ReadReply<string> => {
      throw new Error('unreadable');
    };
    await expect(kept.exchange(target(), 'a', broken)).rejects.toThrow('unreadable');
    await eventually(() => expect(server.sockets.size).toBe(0));
    expect(keptFor(kept, 'hospital-a')).toBe(0);
  });

  it('a connection the peer closed while idle is not used again', async () => {
    const { server, kept, target } = await setUp();
    await kept.exchange(target(), 'a', answered);
    for (const socket of server.sockets) socket.destroy();
    await eventually(() => expect(server.sockets.size).toBe(0));
    expect(await kept.exchange(target(), 'b', answered)).toBe('reply:b');
    expect(server.connectionsOf()).toEqual([1, 2]);
  });

  it('a kept connection the peer closes as the message arrives: asked again once on a new connection', async () => {
    // The peer's own idle timeout, racing ours: it closes a connection on its second frame, unanswered.
    const { server, kept, target } = await setUp((_socket, _frame, nth) => (nth === 2 ? 'close' : 'answer'));
    await kept.exchange(target(), 'a', answered);
    expect(await kept.exchange(target(), 'b', answered)).toBe('reply:b');
    expect(server.frames).toEqual([
      [1, 'a'],
      [1, 'b'],
      [2, 'b'],
    ]);
  });

  it('a new connection the peer closes is not asked again', async () => {
    const { server, kept, target } = await setUp(() => 'close');
    const error = await kept.exchange(target(), 'a', answered).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MllpError);
    expect((error as MllpError).code).toBe('MLLP_CONNECTION_CLOSED');
    expect(server.frames).toEqual([[1, 'a']]);
  });

  it('a timeout on a kept connection is not retried, and the connection is closed', async () => {
    const { server, kept, target } = await setUp((_socket, _frame, nth) => (nth === 2 ? 'silent' : 'answer'));
    const quick = target({ send: { host: HOST, port: server.port, timeoutMs: 200 } });
    await kept.exchange(quick, 'a', answered);
    const started = Date.now();
    const error = await kept.exchange(quick, 'b', answered).catch((caught: unknown) => caught);
    expect((error as MllpError).code).toBe('MLLP_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(200 + 500);
    expect(server.frames).toEqual([
      [1, 'a'],
      [1, 'b'],
    ]);
    await eventually(() => expect(server.sockets.size).toBe(0));
  });

  it('close() closes every kept connection', async () => {
    const { server, kept, target } = await setUp();
    await Promise.all(['a', 'b'].map((text) => kept.exchange(target(), text, answered)));
    await kept.exchange(target({ peer: 'hospital-b' }), 'c', answered);
    expect(server.sockets.size).toBe(3);
    await kept.close();
    await eventually(() => expect(server.sockets.size).toBe(0));
    expect(keptFor(kept, 'hospital-a') + keptFor(kept, 'hospital-b')).toBe(0);
  });
});
