import * as net from 'node:net';
import { encodeMllpFrame, MllpDecoder } from './mllp-frame.codec';
import { MllpServer, type MllpServerOptions } from './mllp.server';
import { eventually } from './mllp-test.helpers';

const frame = (text: string): Buffer => encodeMllpFrame(Buffer.from(text));

/** A plain TCP client that collects reply frames. */
async function connect(
  port: number,
): Promise<{ socket: net.Socket; replies: string[]; closed: () => boolean }> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  const decoder = new MllpDecoder();
  const replies: string[] = [];
  let closed = false;
  socket.on('data', (chunk: Buffer) => replies.push(...decoder.push(chunk).map((reply) => reply.toString())));
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  return { socket, replies, closed: () => closed };
}

describe('MllpServer', () => {
  let server: MllpServer | undefined;
  const clients: net.Socket[] = [];

  async function start(options: Partial<MllpServerOptions> = {}): Promise<number> {
    server = new MllpServer({
      port: 0,
      host: '127.0.0.1',
      onMessage: (message) => `ACK:${message.toString()}`,
      ...options,
    });
    return server.listen();
  }

  async function client(port: number) {
    const connection = await connect(port);
    clients.push(connection.socket);
    return connection;
  }

  afterEach(async () => {
    for (const socket of clients.splice(0)) socket.destroy();
    await server?.close();
    server = undefined;
  });

  it('listens on a port chosen by the OS and answers a frame', async () => {
    const port = await start();
    expect(port).toBeGreaterThan(0);
    expect(server?.port).toBe(port);
    const { socket, replies } = await client(port);
    socket.write(frame('MSH|one'));
    await eventually(() => expect(replies).toEqual(['ACK:MSH|one']));
  });

  it("accepts connections without Nagle's algorithm (TCP_NODELAY): no ACK waits for the sender's TCP ACK", async () => {
    const settings: (boolean | undefined)[] = [];
    const setNoDelay = net.Socket.prototype.setNoDelay;
    net.Socket.prototype.setNoDelay = function (this: net.Socket, noDelay?: boolean) {
      settings.push(noDelay);
      return setNoDelay.call(this, noDelay);
    };
    try {
      const port = await start();
      const { socket, replies } = await client(port);
      socket.write(frame('MSH|one'));
      await eventually(() => expect(replies).toEqual(['ACK:MSH|one']));
    } finally {
      net.Socket.prototype.setNoDelay = setNoDelay;
    }
    // The test's own client sets nothing: the one setting is the server's, on the accepted socket.
    expect(settings).toEqual([true]);
  });

  it('reassembles a frame written byte by byte', async () => {
    const received: string[] = [];
    const port = await start({ onMessage: (message) => (received.push(message.toString()), 'ok') });
    const { socket, replies } = await client(port);
    for (const byte of frame('MSH|^~\\&|split\rPID|1')) {
      socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await eventually(() => expect(replies).toEqual(['ok']));
    expect(received).toEqual(['MSH|^~\\&|split\rPID|1']);
  });

  it('answers two frames of one write in frame order, even when the first is slower', async () => {
    const port = await start({
      onMessage: async (message) => {
        const text = message.toString();
        await new Promise((resolve) => setTimeout(resolve, text === 'first' ? 50 : 0));
        return `ACK:${text}`;
      },
    });
    const { socket, replies } = await client(port);
    socket.write(Buffer.concat([frame('first'), Buffer.from('junk between'), frame('second')]));
    await eventually(() => expect(replies).toEqual(['ACK:first', 'ACK:second']));
  });

  it('survives a failing handler and answers through onHandlerError', async () => {
    const port = await start({
      onMessage: (message) => {
        if (message.toString() === 'boom') throw new Error('handler failed');
        return `ACK:${message.toString()}`;
      },
      onHandlerError: (error) => `AE:${(error as Error).message}`,
    });
    const { socket, replies } = await client(port);
    socket.write(Buffer.concat([frame('boom'), frame('fine')]));
    await eventually(() => expect(replies).toEqual(['AE:handler failed', 'ACK:fine']));
    const second = await client(port);
    second.socket.write(frame('again'));
    await eventually(() => expect(second.replies).toEqual(['ACK:again']));
  });

  it('keeps serving when a handler fails without an error reply', async () => {
    const port = await start({
      onMessage: async (message) => {
        if (message.toString() === 'boom') throw new Error('x');
        return 'ok';
      },
    });
    const { socket, replies } = await client(port);
    socket.write(Buffer.concat([frame('boom'), frame('fine')]));
    await eventually(() => expect(replies).toEqual(['ok']));
  });

  it('drops an oversize frame, answers it through onFrameError, and serves the next frame', async () => {
    const port = await start({
      maxFrameBytes: 64,
      onFrameError: (error) => `AR:${error.code}:${error.frameHead?.subarray(0, 8).toString()}`,
    });
    const { socket, replies } = await client(port);
    socket.write(Buffer.concat([frame(`MSH|big|${'x'.repeat(1000)}`), frame('small')]));
    await eventually(() => expect(replies).toEqual(['AR:MLLP_FRAME_TOO_LARGE:MSH|big|', 'ACK:small']));
  });

  it('answers what a half-closed client sent, then closes', async () => {
    const port = await start();
    const { socket, replies, closed } = await client(port);
    socket.end(Buffer.concat([frame('a'), frame('b')]));
    await eventually(() => expect(replies).toEqual(['ACK:a', 'ACK:b']));
    await eventually(() => expect(closed()).toBe(true));
  });

  it('pauses a connection that floods it and still answers every frame', async () => {
    let running = 0;
    let maxRunning = 0;
    const port = await start({
      maxPendingFrames: 4,
      onMessage: async () => {
        maxRunning = Math.max(maxRunning, ++running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return 'ok';
      },
    });
    const { socket, replies } = await client(port);
    socket.write(Buffer.concat(Array.from({ length: 200 }, (_, index) => frame(`m${index}`))));
    await eventually(() => expect(replies).toHaveLength(200));
    expect(maxRunning).toBe(1);
  });

  it('closes an idle connection, but never while it owes the peer a reply', async () => {
    const port = await start({
      idleTimeoutMs: 100,
      onMessage: async (message) => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        return `ACK:${message.toString()}`;
      },
    });
    const { socket, replies, closed } = await client(port);
    socket.write(frame('MSH|slow'));
    await eventually(() => expect(replies).toEqual(['ACK:MSH|slow']));
    await eventually(() => expect(closed()).toBe(true));
  });

  it('still closes an idle connection after a slow handler that answered nothing', async () => {
    const port = await start({
      idleTimeoutMs: 100,
      onMessage: async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        throw new Error('no answer');
      },
      onHandlerError: () => undefined,
    });
    const { socket, replies, closed } = await client(port);
    socket.write(frame('MSH|silent'));
    await eventually(() => expect(closed()).toBe(true));
    expect(replies).toEqual([]);
  });

  it('close() ends every open connection', async () => {
    const port = await start();
    const first = await client(port);
    const second = await client(port);
    await server?.close();
    server = undefined;
    await eventually(() => expect([first.closed(), second.closed()]).toEqual([true, true]));
  });

  it('rejects listen() on a port already in use', async () => {
    const port = await start();
    const other = new MllpServer({ port, host: '127.0.0.1', onMessage: () => 'x' });
    await expect(other.listen()).rejects.toThrow(/EADDRINUSE/);
  });
});
