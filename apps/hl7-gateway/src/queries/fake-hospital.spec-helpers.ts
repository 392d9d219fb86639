// Test-only peers for the query specs: a small MLLP hospital (on libs/hl7's MllpServer) and raw TCP
// servers for hostile behaviour. Real sockets on OS-chosen ports, every socket tracked and closed.
import { MllpServer, parseHl7, type Hl7Message } from '@bridge/hl7';
import * as net from 'node:net';

export const HOST = '127.0.0.1';

/** A reply to `query`: MSH, then the given segments; `msa` defaults to AA acknowledging the query. */
export function replyTo(
  query: Hl7Message,
  segments: string[],
  options: { msa?: string; type?: string } = {},
): string {
  const controlId = query.get('MSH-10');
  const header = `MSH|^~\\&|HIS|AZSTJAN|CAREFLOW|BRIDGE|20240315103000||${options.type ?? 'ADR^A19'}|R-${controlId}|P|2.3`;
  return [header, options.msa ?? `MSA|AA|${controlId}`, ...segments].join('\r') + '\r';
}

/**
 * An MLLP hospital answering each query with `answer(query)`; `received` keeps every query read, and
 * `connectionIds` the connection each came on.
 */
export async function fakeHospital(
  answer: (query: Hl7Message) => string | Buffer | undefined,
): Promise<{ port: number; received: Hl7Message[]; connectionIds: number[]; close: () => Promise<void> }> {
  const received: Hl7Message[] = [];
  const connectionIds: number[] = [];
  const server = new MllpServer({
    port: 0,
    host: HOST,
    onMessage: (frame, connection) => {
      const query = parseHl7(frame);
      received.push(query);
      connectionIds.push(connection.id);
      return answer(query);
    },
  });
  const port = await server.listen();
  return { port, received, connectionIds, close: () => server.close() };
}

/** A raw TCP server (silent, closing mid-frame, speaking garbage), tracking its open sockets. */
export async function rawServer(onConnection: (socket: net.Socket) => void): Promise<{
  port: number;
  sockets: Set<net.Socket>;
  close: () => Promise<void>;
}> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
    if (socket.listenerCount('data') === 0) socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
