import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsRegistry } from './metrics';

export interface MetricsEndpoint {
  /** `http://host:port/metrics` as bound. */
  readonly url: string;
  close(): Promise<void>;
}

interface Shared {
  server: Server;
  users: number;
  ready: Promise<void>;
}

/** One listener per port and process: the services hosted in one process share it (refcounted). */
const servers = new Map<number, Shared>();

/**
 * Serves the Prometheus text of this process at `GET /metrics` on `port`. Nothing else is served there: a
 * scraper gets metrics, anything else a 404. Closing the last user closes the listener.
 */
export async function serveMetrics(port: number, host = '0.0.0.0'): Promise<MetricsEndpoint> {
  let shared = servers.get(port);
  if (!shared) {
    const server = createServer((request, response) => {
      const path = (request.url ?? '').split('?')[0];
      if (request.method !== 'GET' || path !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      metricsRegistry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
    });
    const ready = new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    shared = { server, users: 0, ready };
    servers.set(port, shared);
    ready.catch(() => servers.delete(port));
  }
  await shared.ready;
  shared.users += 1;
  const { address } = shared.server.address() as AddressInfo;
  const entry = shared;
  let closed = false;
  return {
    url: `http://${address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address}:${port}/metrics`,
    close: async () => {
      if (closed) return;
      closed = true;
      entry.users -= 1;
      if (entry.users > 0) return;
      servers.delete(port);
      await new Promise<void>((resolve) => entry.server.close(() => resolve()));
    },
  };
}
