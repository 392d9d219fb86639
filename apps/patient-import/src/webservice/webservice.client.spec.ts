import { DestinationPolicy } from '@bridge/config';
import { DomainError } from '@bridge/contracts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { MAX_REPLY_BYTES, WebServiceClient, type WebServiceRequest } from './webservice.client';

type Route = (request: IncomingMessage, response: ServerResponse) => void;

/** A tiny hospital on a real socket: each test says how it answers. */
async function startServer(route: Route): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer(route);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const get = (url: string): WebServiceRequest => ({
  method: 'GET',
  url,
  headers: { accept: 'application/json' },
  secretHeaders: [],
});

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a failure');
}

describe('WebServiceClient', () => {
  const client = new WebServiceClient(new DestinationPolicy({ allowLoopback: true, platformEndpoints: [] }));
  let hospital: Awaited<ReturnType<typeof startServer>> | undefined;
  afterEach(async () => {
    await hospital?.close();
    hospital = undefined;
  });

  it('returns any HTTP answer with its status, content type and body, sending method, headers and body', async () => {
    const seen: { method?: string; headers?: IncomingMessage['headers']; body?: string } = {};
    hospital = await startServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        Object.assign(seen, { method: request.method, headers: request.headers, body });
        response.writeHead(request.url === '/fail' ? 500 : 200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ ok: request.url !== '/fail', name: 'Françoise' }));
      });
    });
    const ok = await client.send(
      {
        method: 'POST',
        url: `${hospital.url}/ok`,
        headers: { 'x-destination': 'MIRTH-ADT', 'content-type': 'application/json' },
        body: '{"patientCode":"1"}',
        secretHeaders: [],
      },
      { timeoutMs: 2000 },
    );
    expect(ok).toEqual({
      status: 200,
      contentType: 'application/json',
      body: '{"ok":true,"name":"Françoise"}',
    });
    expect(seen).toMatchObject({ method: 'POST', body: '{"patientCode":"1"}' });
    expect(seen.headers?.['x-destination']).toBe('MIRTH-ADT');
    const failed = await client.send(get(`${hospital.url}/fail`), { timeoutMs: 2000 });
    expect(failed.status).toBe(500);
  });

  it('decodes a body in the charset the hospital declares (latin-1)', async () => {
    hospital = await startServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json; charset=ISO-8859-1' });
      response.end(Buffer.from('{"first_name":"Jürgen"}', 'latin1'));
    });
    expect((await client.send(get(hospital.url), { timeoutMs: 2000 })).body).toBe('{"first_name":"Jürgen"}');
  });

  it('gives HOSPITAL_TIMEOUT when the hospital never answers, within the timeout plus a margin', async () => {
    hospital = await startServer(() => undefined);
    const started = Date.now();
    const error = await failure(client.send(get(hospital.url), { timeoutMs: 300 }));
    expect(error.code).toBe('HOSPITAL_TIMEOUT');
    expect(error.message).toContain('300 ms');
    expect(Date.now() - started).toBeLessThan(1300);
  });

  it('gives HOSPITAL_TIMEOUT when the body stalls after the headers: one deadline covers the whole answer', async () => {
    hospital = await startServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"total": 1, "entry": [');
    });
    const error = await failure(client.send(get(hospital.url), { timeoutMs: 300 }));
    expect(error.code).toBe('HOSPITAL_TIMEOUT');
  });

  it('gives HOSPITAL_ERROR naming ECONNREFUSED when nothing listens', async () => {
    const port = await refusedPort();
    const error = await failure(client.send(get(`http://127.0.0.1:${port}/Patient`), { timeoutMs: 2000 }));
    expect(error.code).toBe('HOSPITAL_ERROR');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.details).toEqual({ networkCode: 'ECONNREFUSED' });
  });

  it('gives HOSPITAL_ERROR when the hospital breaks off mid-body', async () => {
    hospital = await startServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"total": 1, "entry": [', () => request.socket.destroy());
    });
    const error = await failure(client.send(get(hospital.url), { timeoutMs: 2000 }));
    expect(error.code).toBe('HOSPITAL_ERROR');
  });

  it('refuses an answer larger than the limit instead of reading it all', async () => {
    hospital = await startServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent <= MAX_REPLY_BYTES + chunk.length) {
          sent += chunk.length;
          if (!response.write(chunk)) return response.once('drain', pump);
        }
        response.end();
      };
      pump();
    });
    const error = await failure(client.send(get(hospital.url), { timeoutMs: 5000 }));
    expect(error.code).toBe('HOSPITAL_ERROR');
    expect(error.message).toContain(String(MAX_REPLY_BYTES));
  });

  it('does not follow redirects (custom auth headers would travel with them)', async () => {
    hospital = await startServer((_, response) => {
      response.writeHead(302, { location: 'http://elsewhere.example/Patient' });
      response.end();
    });
    expect((await client.send(get(hospital.url), { timeoutMs: 2000 })).status).toBe(302);
  });
});

describe('WebServiceClient: destination policy on the address actually connected to (issue 10)', () => {
  let connections = 0;
  let hospital: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    hospital = await startServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"secret":"metadata"}');
    });
    hospital.server.on('connection', () => (connections += 1));
  });
  afterAll(() => hospital.close());
  beforeEach(() => (connections = 0));

  const port = () => Number(new URL(hospital.url).port);

  it('refuses loopback when loopback is not allowed, before a byte is sent', async () => {
    const client = new WebServiceClient(
      new DestinationPolicy({ allowLoopback: false, platformEndpoints: [] }),
    );
    const error = await failure(client.send(get(`${hospital.url}/Patient`), { timeoutMs: 2000 }));
    expect(error.code).toBe('CONNECTION_DESTINATION_REFUSED');
    expect(error.message).not.toContain('metadata');
    expect(connections).toBe(0);
  });

  it('refuses a name that resolves to loopback at connect time (it may have resolved elsewhere when saved)', async () => {
    const resolved: string[] = [];
    const client = new WebServiceClient(
      new DestinationPolicy({
        allowLoopback: false,
        platformEndpoints: [],
        resolveAll: async (host) => (resolved.push(host), [{ address: '127.0.0.1', family: 4 }]),
      }),
    );
    const error = await failure(
      client.send(get(`http://emr.hospital.example:${port()}/Patient`), { timeoutMs: 2000 }),
    );
    expect(error.code).toBe('CONNECTION_DESTINATION_REFUSED');
    expect(resolved).toEqual(['emr.hospital.example']);
    expect(connections).toBe(0);
  });

  it('connects to exactly the address it checked, for a name that resolves to an allowed one', async () => {
    const client = new WebServiceClient(
      new DestinationPolicy({
        allowLoopback: true,
        platformEndpoints: [],
        resolveAll: async () => [{ address: '127.0.0.1', family: 4 }],
      }),
    );
    const reply = await client.send(get(`http://emr.hospital.example:${port()}/Patient`), {
      timeoutMs: 2000,
    });
    expect(reply.status).toBe(200);
    expect(connections).toBe(1);
  });

  it("refuses the platform's own database or broker endpoint even with loopback allowed", async () => {
    const client = new WebServiceClient(
      new DestinationPolicy({
        allowLoopback: true,
        platformEndpoints: [{ host: 'localhost', port: port() }],
      }),
    );
    const error = await failure(client.send(get(`${hospital.url}/Patient`), { timeoutMs: 2000 }));
    expect(error.code).toBe('CONNECTION_DESTINATION_REFUSED');
    expect(connections).toBe(0);
  });

  it.each(['169.254.169.254', '0.0.0.0', '[::]', '[fe80::1]', '224.0.0.1', '[::ffff:169.254.169.254]'])(
    'refuses %s whatever ALLOW_LOOPBACK_DESTINATIONS says',
    async (host) => {
      const client = new WebServiceClient(
        new DestinationPolicy({ allowLoopback: true, platformEndpoints: [] }),
      );
      const error = await failure(
        client.send(get(`http://${host}:${port()}/latest/meta-data`), { timeoutMs: 2000 }),
      );
      expect(error.code).toBe('CONNECTION_DESTINATION_REFUSED');
    },
  );
});
