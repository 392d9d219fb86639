import { Injectable } from '@nestjs/common';
import { DestinationPolicy, DestinationRefusedError, fixedLookup } from '@bridge/config';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { portOf } from '../webhook-url';

/** The first bytes of a receiver's answer kept in the delivery log: enough to read an error, no more. */
export const RESPONSE_EXCERPT_BYTES = 256;

export interface SendOutcome {
  ok: boolean;
  durationMs: number;
  status?: number;
  excerpt?: string;
  /** Why there is no usable answer: refused destination, timeout, network error. Names no value. */
  error?: string;
}

/**
 * POSTs one signed body to a receiver and reads at most the first bytes of its answer, all within one
 * deadline. The destination policy is checked on the address actually connected to, at every attempt
 * (a name may resolve elsewhere since the subscription was saved). Redirects are never followed.
 */
@Injectable()
export class WebhookSender {
  constructor(private readonly destinations: DestinationPolicy) {}

  async send(
    rawUrl: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ): Promise<SendOutcome> {
    const started = Date.now();
    const signal = AbortSignal.timeout(timeoutMs);
    const elapsed = () => Date.now() - started;
    try {
      const url = new URL(rawUrl);
      const address = await this.destinations.resolve(url.hostname, portOf(url));
      const response = await post(url, headers, body, fixedLookup(address), signal);
      const excerpt = await readExcerpt(response);
      const status = response.statusCode ?? 0;
      return {
        ok: status >= 200 && status < 300,
        durationMs: elapsed(),
        status,
        ...(excerpt ? { excerpt } : {}),
      };
    } catch (error) {
      return { ok: false, durationMs: elapsed(), error: describe(error, signal.aborted, timeoutMs) };
    }
  }
}

function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  lookup: ReturnType<typeof fixedLookup>,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      },
      lookup,
      signal,
      ...(url.protocol === 'https:' && !isIP(url.hostname) ? { servername: url.hostname } : {}),
    });
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}

/** The first RESPONSE_EXCERPT_BYTES of the answer; the rest is not read (the socket is closed). */
async function readExcerpt(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size >= RESPONSE_EXCERPT_BYTES) break;
  }
  response.destroy();
  return excerptOf(Buffer.concat(chunks));
}

/**
 * The receiver's bytes as text the delivery log can hold: cut to RESPONSE_EXCERPT_BYTES (a character cut in
 * half dropped), control characters other than tab and line breaks removed (PostgreSQL text refuses NUL,
 * and a receiver's answer must never fail the recording of its attempt).
 */
export function excerptOf(bytes: Buffer): string {
  return bytes
    .subarray(0, RESPONSE_EXCERPT_BYTES)
    .toString('utf8')
    .replace(/\uFFFD+$/, '')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
}

function describe(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (error instanceof DestinationRefusedError) return `destination refused: ${error.reason}`;
  const name = (error as { name?: string })?.name;
  if (timedOut || name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return `network error (${code})`;
    current = (current as { cause?: unknown }).cause;
  }
  return 'network error';
}
