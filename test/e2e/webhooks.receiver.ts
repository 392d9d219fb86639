import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the receiver does with one request: answer a status, or never answer (the sender must time out). */
export type ReceiverBehaviour = { status: number } | 'hang';

export interface ReceivedRequest {
  /** Path and query string, as sent. */
  url: string;
  headers: Record<string, string>;
  body: string;
  json: { type: string; timestamp: string; data: Record<string, any> };
  /** What the receiver answered: a status, or undefined when it hung. */
  answered?: number;
  /** The order requests arrived in, over the receiver's life. */
  index: number;
  receivedAt: number;
}

/**
 * A real HTTP receiver on a port the OS chose, on loopback. `behave` decides each request's fate from its
 * arrival index, so a test can fail, hang and recover on a schedule of its own.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  behave: (request: ReceivedRequest) => ReceiverBehaviour = () => ({ status: 204 });
  private readonly hung = new Set<ServerResponse>();
  private server!: Server;

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    receiver.server = createServer((request, response) => void receiver.handle(request, response));
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** Requests answered 2xx, in arrival order. */
  accepted(): ReceivedRequest[] {
    return this.requests.filter((request) => request.answered !== undefined && request.answered < 300);
  }

  /**
   * Requests answered 2xx, the first of each webhook-id, in arrival order: what a receiver that dedupes sees.
   * Deliveries are at least once: an answer that reaches the sender after its timeout is sent again.
   */
  acceptedOnce(): ReceivedRequest[] {
    const seen = new Set<string>();
    return this.accepted().filter((request) => {
      const id = request.headers['webhook-id'];
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  }

  async close(): Promise<void> {
    for (const response of this.hung) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString('utf8');
    const received: ReceivedRequest = {
      url: request.url ?? '',
      headers: Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
      ),
      body,
      json: JSON.parse(body),
      index: this.requests.length,
      receivedAt: Date.now(),
    };
    this.requests.push(received);
    const behaviour = this.behave(received);
    if (behaviour === 'hang') {
      this.hung.add(response);
      return;
    }
    received.answered = behaviour.status;
    response
      .writeHead(behaviour.status, { 'content-type': 'text/plain' })
      .end(`receiver says ${behaviour.status}`);
  }
}
