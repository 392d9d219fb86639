import { Injectable } from '@nestjs/common';
import { DestinationPolicy, DestinationRefusedError, fixedLookup } from '@bridge/config';
import { DomainError, isDomainError } from '@bridge/contracts';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { TextDecoder } from 'node:util';

/** One HTTP call to a hospital, as built by buildWebServiceRequest. */
export interface WebServiceRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Lower-case names of headers whose values are secrets: never journaled. */
  secretHeaders: string[];
}

export interface WebServiceReply {
  status: number;
  contentType?: string;
  body: string;
}

/** More than this is not a patient lookup answer; refusing it keeps one bad hospital from exhausting memory. */
export const MAX_REPLY_BYTES = 4 * 1024 * 1024;

/**
 * Sends one request to a hospital's web service and reads the whole answer within one deadline
 * (connect, headers and body together). Any HTTP answer is returned, whatever its status: what it means
 * depends on the flavour. Only transport failures throw: HOSPITAL_TIMEOUT past the deadline,
 * HOSPITAL_ERROR when the hospital cannot be reached or the answer is cut off or too large.
 * Messages name no patient: they travel to the caller and into logs.
 */
@Injectable()
export class WebServiceClient {
  constructor(private readonly destinations: DestinationPolicy) {}

  async send(request: WebServiceRequest, options: { timeoutMs: number }): Promise<WebServiceReply> {
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      const url = new URL(request.url);
      const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
      // The destination policy on the address actually connected to: looked up once, checked, and that very
      // address is the one connected to. A refused one is never sent a byte, so no answer text of it exists.
      const address = await this.destinations.resolve(url.hostname, port);
      const response = await exchange(request, url, { lookup: fixedLookup(address), signal });
      const contentType = headerValue(response.headers['content-type']);
      const body = await readBody(response, contentType);
      return { status: response.statusCode ?? 0, ...(contentType ? { contentType } : {}), body };
    } catch (error) {
      throw transportError(error, { timeoutMs: options.timeoutMs, timedOut: signal.aborted });
    }
  }
}

/**
 * One HTTP(S) request; the response once its headers are in. Redirects are never followed: a redirect would
 * carry custom auth headers to wherever the hospital points, so configure the final URL.
 */
function exchange(
  request: WebServiceRequest,
  url: URL,
  options: { lookup: LookupFunction; signal: AbortSignal },
): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(url, {
      method: request.method,
      headers: request.headers,
      lookup: options.lookup,
      signal: options.signal,
      // The certificate is checked against the name in the URL, not the address connected to.
      ...(url.protocol === 'https:' && !isIP(url.hostname) ? { servername: url.hostname } : {}),
    });
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
    outgoing.end(request.body);
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(response: IncomingMessage, contentType: string | undefined): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_REPLY_BYTES) {
      response.destroy();
      throw new DomainError(
        'HOSPITAL_ERROR',
        `The hospital web service answered more than ${MAX_REPLY_BYTES} bytes.`,
      );
    }
    chunks.push(chunk);
  }
  if (!response.complete) {
    throw Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' });
  }
  return decoderFor(contentType).decode(Buffer.concat(chunks));
}

/** JSON is UTF-8 (RFC 8259), but a hospital that says latin-1 in its content type is believed. */
function decoderFor(contentType: string | undefined): TextDecoder {
  const charset = /charset="?([\w.:-]+)"?/i.exec(contentType ?? '')?.[1];
  if (charset) {
    try {
      return new TextDecoder(charset.toLowerCase());
    } catch {
      // an unknown label: fall back to UTF-8 below
    }
  }
  return new TextDecoder('utf-8');
}

function transportError(error: unknown, context: { timeoutMs: number; timedOut: boolean }): DomainError {
  if (isDomainError(error)) return error;
  if (error instanceof DestinationRefusedError) {
    return new DomainError(
      'CONNECTION_DESTINATION_REFUSED',
      `The web service's address is refused: ${error.reason}.`,
      {
        errors: [{ field: 'baseUrl', message: `baseUrl is refused: ${error.reason}` }],
      },
    );
  }
  const name = (error as { name?: string })?.name;
  if (context.timedOut || name === 'TimeoutError') {
    return new DomainError(
      'HOSPITAL_TIMEOUT',
      `The hospital web service did not answer within ${context.timeoutMs} ms.`,
      {
        timeoutMs: context.timeoutMs,
      },
    );
  }
  const code = networkCode(error);
  return new DomainError(
    'HOSPITAL_ERROR',
    `The hospital web service could not be reached or broke off its answer (${code ?? 'network error'}).`,
    code ? { networkCode: code } : undefined,
  );
}

/** undici wraps the socket error in `cause` (sometimes twice); its code says what happened. */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
