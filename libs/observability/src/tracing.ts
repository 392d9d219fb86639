import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OtlpJsonSpanExporter, parseOtlpHeaders } from './otlp-exporter';
import { instrumentPg } from './pg-tracing';

export { SpanKind };

/** Which service a span belongs to: the embedded default hosts them all under one OpenTelemetry resource. */
export const SERVICE_ATTRIBUTE = 'bridge.service';

export interface TracingHandle {
  readonly enabled: boolean;
  /** Flushes the spans still buffered when the last user of the process's provider closes. */
  close(): Promise<void>;
}

interface ActiveTracing {
  provider: NodeTracerProvider;
  users: number;
}

let active: ActiveTracing | undefined;

/**
 * Starts the process's tracer provider when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans go out over OTLP/HTTP
 * (JSON) to `<endpoint>/v1/traces`, in batches (OTEL_BSP_SCHEDULE_DELAY ms apart, default 5000; the
 * resource's service.name is OTEL_SERVICE_NAME or the service). Unset: nothing is registered, every span this code starts
 * is the API's no-op span and no traceparent travels — near-zero cost. Refcounted: the services hosted in
 * one process share one provider, named by whoever started it first (the embedded launcher names it
 * `careflow-bridge`); each span says its service in `bridge.service`.
 */
export function startTracing(
  service: string,
  config: { OTEL_EXPORTER_OTLP_ENDPOINT?: string },
  env: NodeJS.ProcessEnv = process.env,
): TracingHandle {
  const base = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  const url = base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
  if (!url) return { enabled: false, close: async () => undefined };
  if (!active) {
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || service }),
      spanProcessors: [
        new BatchSpanProcessor(
          new OtlpJsonSpanExporter(url, parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS)),
          {
            scheduledDelayMillis: positive(env.OTEL_BSP_SCHEDULE_DELAY) ?? 5000,
          },
        ),
      ],
    });
    // The AsyncLocalStorage context manager and the W3C trace-context propagator.
    provider.register();
    instrumentPg();
    active = { provider, users: 0 };
  }
  const current = active;
  current.users += 1;
  let closed = false;
  return {
    enabled: true,
    close: async () => {
      if (closed) return;
      closed = true;
      current.users -= 1;
      if (current.users > 0 || active !== current) return;
      active = undefined;
      await current.provider.shutdown().catch(() => undefined);
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

function positive(value: string | undefined): number | undefined {
  const number = Number(value);
  return Number.isFinite(number) && number > 0 ? number : undefined;
}

export function tracer() {
  return trace.getTracer('careflow-bridge');
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** Where the span hangs: by default the active context. */
  parent?: Context;
}

/**
 * Runs `work` inside a new span of `service` (active for everything it awaits: the bus, the database) and
 * ends it; a throw marks the span as an error and is rethrown.
 */
export async function inSpan<T>(
  service: string,
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const span = startSpan(service, name, options);
  try {
    return await context.with(trace.setSpan(options.parent ?? context.active(), span), () => work(span));
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

export function startSpan(service: string, name: string, options: SpanOptions = {}): Span {
  return tracer().startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      attributes: { [SERVICE_ATTRIBUTE]: service, ...options.attributes },
    },
    options.parent ?? context.active(),
  );
}

export function failSpan(span: Span, error: unknown): void {
  const code = (error as { code?: unknown })?.code;
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : 'error' });
}

/** The W3C traceparent of `from` (default: the active context), or undefined when nothing is traced. */
export function traceparentOf(from: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  return carrier.traceparent;
}

/** The context a received traceparent continues (the root context when there is none or it is malformed). */
export function contextOf(traceparent: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** The trace id of the active span, for log lines; undefined outside a traced scope. */
export function currentTraceId(): string | undefined {
  const spanContext = trace.getSpanContext(context.active());
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
