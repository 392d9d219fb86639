import { encodeMllpFrame, MllpDecoder } from './mllp-frame.codec';
import { MllpClient, sendMllp } from './mllp.client';
import { MllpError } from './mllp.errors';
import { MllpServer } from './mllp.server';
import { closedPort, eventually, rawServer, selfSignedCertificate } from './mllp-test.helpers';

const HOST = '127.0.0.1';
const MARGIN_MS = 500;

async function rejection(promise: Promise<unknown>): Promise<MllpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MllpError) return error;
    throw error;
  }
  throw new Error('expected an MllpError');
}

describe('sendMllp', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function echoServer(): Promise<MllpServer> {
    const server = new MllpServer({
      port: 0,
      host: HOST,
      onMessage: (message) => Buffer.concat([Buffer.from('ACK:'), message]),
    });
    await server.listen();
    cleanups.push(() => server.close());
    return server;
  }

  it('sends one frame and resolves with the reply frame, then closes the socket', async () => {
    const sockets = new Set<string>();
    const server = await rawServer((socket) => {
      sockets.add(`${socket.remotePort}`);
      const decoder = new MllpDecoder();
      socket.on('data', (chunk: Buffer) => {
        for (const message of decoder.push(chunk))
          socket.write(encodeMllpFrame(Buffer.concat([Buffer.from('ACK:'), message])));
      });
    });
    cleanups.push(server.close);
    const reply = await sendMllp('MSH|^~\\&|Françoise', { host: HOST, port: server.port, timeoutMs: 2000 });
    expect(reply.toString('utf8')).toBe('ACK:MSH|^~\\&|Françoise');
    await eventually(() => expect(server.sockets.size).toBe(0));
  });

  it('encodes string messages in the given charset', async () => {
    const server = await echoServer();
    const reply = await sendMllp('Françoise', {
      host: HOST,
      port: server.port ?? 0,
      timeoutMs: 2000,
      charset: 'latin1',
    });
    expect(reply.toString('latin1')).toBe('ACK:Françoise');
    expect(reply.length).toBe('ACK:Françoise'.length);
  });

  it('rejects with MLLP_TIMEOUT within timeoutMs when the server never answers, and drops the socket', async () => {
    const server = await rawServer(() => undefined);
    cleanups.push(server.close);
    const started = Date.now();
    const error = await rejection(sendMllp('MSH|x', { host: HOST, port: server.port, timeoutMs: 300 }));
    const elapsed = Date.now() - started;
    expect(error.code).toBe('MLLP_TIMEOUT');
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(300 + MARGIN_MS);
    await eventually(() => expect(server.sockets.size).toBe(0));
  });

  it('rejects with MLLP_CONNECTION_CLOSED when the server closes mid-frame', async () => {
    const server = await rawServer((socket) =>
      socket.once('data', () => socket.end(Buffer.from('\x0bMSH|^~\\&|half a rep'))),
    );
    cleanups.push(server.close);
    const error = await rejection(sendMllp('MSH|x', { host: HOST, port: server.port, timeoutMs: 2000 }));
    expect(error.code).toBe('MLLP_CONNECTION_CLOSED');
    expect(error.message).toMatch(/mid-frame/);
  });

  it('rejects with MLLP_CONNECTION_CLOSED when the server closes without a reply', async () => {
    const server = await rawServer((socket) => socket.once('data', () => socket.destroy()));
    cleanups.push(server.close);
    expect(
      (await rejection(sendMllp('MSH|x', { host: HOST, port: server.port, timeoutMs: 2000 }))).code,
    ).toBe('MLLP_CONNECTION_CLOSED');
  });

  it('rejects with MLLP_CONNECTION_REFUSED for a port nobody listens on', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await rejection(sendMllp('MSH|x', { host: HOST, port, timeoutMs: 2000 }));
    expect(error.code).toBe('MLLP_CONNECTION_REFUSED');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('rejects with MLLP_FRAME_TOO_LARGE when the reply exceeds maxFrameBytes', async () => {
    const server = await rawServer((socket) =>
      socket.once('data', () => socket.write(encodeMllpFrame(Buffer.alloc(5000, 0x41)))),
    );
    cleanups.push(server.close);
    const error = await rejection(
      sendMllp('MSH|x', { host: HOST, port: server.port, timeoutMs: 2000, maxFrameBytes: 1000 }),
    );
    expect(error.code).toBe('MLLP_FRAME_TOO_LARGE');
    await eventually(() => expect(server.sockets.size).toBe(0));
  });

  it('ignores garbage around the reply frame', async () => {
    const server = await rawServer((socket) =>
      socket.once('data', () => {
        socket.write('garbage\r\n');
        socket.write(Buffer.concat([Buffer.from('\x0bMSH|re'), Buffer.from('ply\x1c\r')]));
      }),
    );
    cleanups.push(server.close);
    expect((await sendMllp('MSH|x', { host: HOST, port: server.port, timeoutMs: 2000 })).toString()).toBe(
      'MSH|reply',
    );
  });

  it('rejects a non-positive timeout at once', async () => {
    await expect(sendMllp('x', { host: HOST, port: 1, timeoutMs: 0 })).rejects.toThrow(RangeError);
  });

  describe('over TLS', () => {
    const { key, cert } = selfSignedCertificate();

    it('round-trips with a self-signed certificate the client trusts', async () => {
      const server = new MllpServer({
        port: 0,
        host: HOST,
        tls: { key, cert },
        onMessage: (message) => `ACK:${message.toString()}`,
      });
      const port = await server.listen();
      cleanups.push(() => server.close());
      const reply = await sendMllp('MSH|secure', { host: HOST, port, timeoutMs: 3000, tls: { ca: cert } });
      expect(reply.toString()).toBe('ACK:MSH|secure');
      const byName = await sendMllp('MSH|by name', {
        host: 'localhost',
        port,
        timeoutMs: 3000,
        tls: { ca: cert },
      });
      expect(byName.toString()).toBe('ACK:MSH|by name');
    });

    it('rejects with MLLP_TLS_ERROR when the certificate is not trusted, and the server keeps serving', async () => {
      const server = new MllpServer({ port: 0, host: HOST, tls: { key, cert }, onMessage: () => 'ok' });
      const port = await server.listen();
      cleanups.push(() => server.close());
      expect((await rejection(sendMllp('MSH|x', { host: HOST, port, timeoutMs: 3000, tls: {} }))).code).toBe(
        'MLLP_TLS_ERROR',
      );
      expect(
        (await sendMllp('MSH|x', { host: HOST, port, timeoutMs: 3000, tls: { ca: cert } })).toString(),
      ).toBe('ok');
    });

    it('rejects with MLLP_TLS_ERROR when the server does not speak TLS', async () => {
      const server = await rawServer((socket) =>
        socket.once('data', () => socket.write('not tls at all\r\n')),
      );
      cleanups.push(server.close);
      const error = await rejection(
        sendMllp('MSH|x', { host: HOST, port: server.port, timeoutMs: 3000, tls: { ca: cert } }),
      );
      expect(error.code).toBe('MLLP_TLS_ERROR');
    });
  });
});

describe('MllpClient', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('sends several messages over one connection, one reply each, in order', async () => {
    let connections = 0;
    const server = await rawServer((socket) => {
      connections++;
      const decoder = new MllpDecoder();
      socket.on('data', (chunk: Buffer) => {
        for (const message of decoder.push(chunk))
          socket.write(encodeMllpFrame(Buffer.concat([Buffer.from('ACK:'), message])));
      });
    });
    cleanups.push(server.close);
    const client = new MllpClient({ host: HOST, port: server.port, timeoutMs: 2000 });
    cleanups.push(() => client.close());
    const replies = await Promise.all(['a', 'b', 'c'].map((text) => client.send(text)));
    expect(replies.map((reply) => reply.toString())).toEqual(['ACK:a', 'ACK:b', 'ACK:c']);
    expect(connections).toBe(1);
  });

  it('drops the connection after a timeout, so a late reply is never taken for the next one', async () => {
    let count = 0;
    const server = await rawServer((socket) => {
      const decoder = new MllpDecoder();
      socket.on('data', (chunk: Buffer) => {
        for (const message of decoder.push(chunk)) {
          const index = ++count;
          // The first request is answered too late; later ones at once.
          setTimeout(
            () =>
              socket.writable && socket.write(encodeMllpFrame(Buffer.from(`reply-to:${message.toString()}`))),
            index === 1 ? 400 : 0,
          );
        }
      });
    });
    cleanups.push(server.close);
    const client = new MllpClient({ host: HOST, port: server.port, timeoutMs: 200 });
    cleanups.push(() => client.close());
    expect((await rejection(client.send('slow'))).code).toBe('MLLP_TIMEOUT');
    expect((await client.send('next')).toString()).toBe('reply-to:next');
  });

  it('drops the connection when a frame nobody waits for arrives, so it is never read as the next reply', async () => {
    let connections = 0;
    const server = await rawServer((socket) => {
      const connection = ++connections;
      const decoder = new MllpDecoder();
      socket.on('data', (chunk: Buffer) => {
        for (const message of decoder.push(chunk)) {
          socket.write(encodeMllpFrame(Buffer.from(`${connection}:reply-to:${message.toString()}`)));
          // The first connection answers twice: the second frame arrives while nothing waits.
          if (connection === 1)
            setTimeout(() => socket.writable && socket.write(encodeMllpFrame(Buffer.from('extra'))), 20);
        }
      });
    });
    cleanups.push(server.close);
    const client = new MllpClient({ host: HOST, port: server.port, timeoutMs: 2000 });
    cleanups.push(() => client.close());
    expect((await client.send('first')).toString()).toBe('1:reply-to:first');
    await eventually(() => expect(client.idleAndConnected).toBe(false));
    expect((await client.send('second')).toString()).toBe('2:reply-to:second');
  });

  it('a send may bound itself with its own timeout', async () => {
    const server = await rawServer(() => undefined);
    cleanups.push(server.close);
    const client = new MllpClient({ host: HOST, port: server.port, timeoutMs: 5000 });
    cleanups.push(() => client.close());
    const started = Date.now();
    const error = await rejection(client.send('a', 200));
    expect(error.code).toBe('MLLP_TIMEOUT');
    expect(error.message).toContain('200 ms');
    expect(Date.now() - started).toBeLessThan(200 + MARGIN_MS);
  });

  it('times out queued sends within their own timeout', async () => {
    const server = await rawServer(() => undefined);
    cleanups.push(server.close);
    const client = new MllpClient({ host: HOST, port: server.port, timeoutMs: 200 });
    cleanups.push(() => client.close());
    const started = Date.now();
    const errors = await Promise.all([rejection(client.send('a')), rejection(client.send('b'))]);
    expect(errors.map((error) => error.code)).toEqual(['MLLP_TIMEOUT', 'MLLP_TIMEOUT']);
    expect(Date.now() - started).toBeLessThan(200 + MARGIN_MS);
  });

  it('backs off after a refused connect, failing fast with the reason, then reconnects', async () => {
    const port = await closedPort();
    const client = new MllpClient({ host: HOST, port, timeoutMs: 1000, initialBackoffMs: 200 });
    cleanups.push(() => client.close());
    expect((await rejection(client.send('a'))).code).toBe('MLLP_CONNECTION_REFUSED');
    const fast = await rejection(client.send('b'));
    expect(fast.code).toBe('MLLP_CONNECTION_REFUSED');
    expect(fast.message).toMatch(/retrying in/);
    const server = new MllpServer({ port, host: HOST, onMessage: () => 'back' });
    await server.listen();
    cleanups.push(() => server.close());
    await eventually(async () => expect((await client.send('c')).toString()).toBe('back'), 2000);
  });

  it('close() rejects pending sends', async () => {
    const server = await rawServer(() => undefined);
    cleanups.push(server.close);
    const client = new MllpClient({ host: HOST, port: server.port, timeoutMs: 5000 });
    const pending = rejection(client.send('a'));
    await client.close();
    expect((await pending).code).toBe('MLLP_CONNECTION_CLOSED');
    expect((await rejection(client.send('b'))).code).toBe('MLLP_CONNECTION_CLOSED');
  });
});
