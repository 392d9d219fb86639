import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const EXPORT_TIMEOUT_MS = 10_000;

/**
 * OTLP/HTTP with JSON bodies (`POST <endpoint>/v1/traces`), the encoding every collector accepts. Written
 * here over node:http rather than taken from the OTLP exporter package, whose transport loads node:http by
 * a dynamic import that jest's sandbox (where the embedded platform is tested) cannot run. A batch that
 * cannot be delivered is dropped: traces are best effort, never a reason to slow or fail the work.
 * OTEL_EXPORTER_OTLP_HEADERS (`key=value,...`) is sent with every batch (a collector's API key).
 */
export class OtlpJsonSpanExporter implements SpanExporter {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const body = JsonTraceSerializer.serializeRequest(spans);
    if (!body) {
      done({ code: ExportResultCode.FAILED });
      return;
    }
    const sending = this.post(Buffer.from(body)).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: unknown) => done({ code: ExportResultCode.FAILED, error: error as Error }),
    );
    this.pending.add(sending);
    void sending.finally(() => this.pending.delete(sending));
  }

  async forceFlush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }

  private post(body: Buffer): Promise<void> {
    const url = new URL(this.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = send(url, {
        method: 'POST',
        headers: { ...this.headers, 'content-type': 'application/json', 'content-length': body.byteLength },
        timeout: EXPORT_TIMEOUT_MS,
      });
      outgoing.once('response', (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new Error(`OTLP collector answered ${status}`));
      });
      outgoing.once('timeout', () => outgoing.destroy(new Error('OTLP collector did not answer in time')));
      outgoing.once('error', reject);
      outgoing.end(body);
    });
  }
}

/** `key=value,key2=value2` (values URL-encoded), as the OpenTelemetry SDKs read OTEL_EXPORTER_OTLP_HEADERS. */
export function parseOtlpHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    try {
      headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      // a malformed value is skipped, not sent half-decoded
    }
  }
  return headers;
}
