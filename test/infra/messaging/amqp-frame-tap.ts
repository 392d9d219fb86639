/**
 * A TCP relay between AMQP clients and the broker that reads what the broker sends and counts its method
 * frames by name ('basic.deliver', 'basic.ack'…). What a test asserts about the frames on the wire holds
 * on any machine, where counting the process's read calls depends on what else the process and the
 * kernel do (a CI machine once counted 3,345 reads for 100 frames).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** AMQP 0-9-1 method ids the tests name (class, method). */
const METHODS: Record<string, string> = {
  '60.60': 'basic.deliver',
  '60.80': 'basic.ack',
  '60.120': 'basic.nack',
  '60.50': 'basic.return',
};
const METHOD_FRAME = 1;
const FRAME_HEADER = 7; // type (1), channel (2), payload size (4)
const FRAME_END = 1;

export interface AmqpFrameTap {
  /** The broker's URL with the relay's host and port in its place. */
  url: string;
  /** Method frames the broker has sent since the last reset, by name ('60.40' for one the tap does not name). */
  fromBroker(): Map<string, number>;
  reset(): void;
  close(): Promise<void>;
}

export async function amqpFrameTap(brokerUrl: string): Promise<AmqpFrameTap> {
  const broker = new URL(brokerUrl);
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: broker.hostname, port: Number(broker.port || 5672) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    const frames = frameReader((name) => counts.set(name, (counts.get(name) ?? 0) + 1));
    upstream.on('data', (chunk: Buffer) => {
      frames(chunk);
      client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = new URL(brokerUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    fromBroker: () => new Map(counts),
    reset: () => counts.clear(),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Splits one connection's byte stream into frames, whatever the chunks, and names each method frame. */
function frameReader(onMethod: (name: string) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= FRAME_HEADER) {
      const size = pending.readUInt32BE(3);
      const length = FRAME_HEADER + size + FRAME_END;
      if (pending.length < length) break;
      if (pending[0] === METHOD_FRAME) {
        const id = `${pending.readUInt16BE(FRAME_HEADER)}.${pending.readUInt16BE(FRAME_HEADER + 2)}`;
        onMethod(METHODS[id] ?? id);
      }
      pending = pending.subarray(length);
    }
  };
}
