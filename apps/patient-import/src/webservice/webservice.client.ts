import { Injectable } from '@nestjs/common';
import { DomainError, isDomainError } from '@bridge/contracts';
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
  async send(request: WebServiceRequest, options: { timeoutMs: number }): Promise<WebServiceReply> {
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal,
        // A redirect would carry custom auth headers to wherever the hospital points: configure the final URL.
        redirect: 'manual',
      });
      const contentType = response.headers.get('content-type') ?? undefined;
      const body = await readBody(response, contentType);
      return { status: response.status, ...(contentType ? { contentType } : {}), body };
    } catch (error) {
      throw transportError(error, { timeoutMs: options.timeoutMs, timedOut: signal.aborted });
    }
  }
}

async function readBody(response: Response, contentType: string | undefined): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REPLY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new DomainError(
        'HOSPITAL_ERROR',
        `The hospital web service answered more than ${MAX_REPLY_BYTES} bytes.`,
      );
    }
    chunks.push(value);
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
