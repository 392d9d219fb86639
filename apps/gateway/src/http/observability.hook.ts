import type { FastifyInstance, FastifyRequest } from 'fastify';
import { currentCorrelationId } from '@bridge/logging';
import { failSpan, ServiceMetrics, SpanKind, startSpan } from '@bridge/observability';
import { context, propagation, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';

/** Requests that matched no route share one label value: the URL itself would make the series unbounded. */
const UNMATCHED = 'unmatched';

/**
 * Every request is counted and timed by method, route template (`/v1/patients/:id`, never the URL) and
 * status (`bridge_http_requests_total`, `bridge_http_request_duration_seconds`), and runs inside a server
 * span that continues the caller's W3C traceparent when it sends one; the bus carries that trace on.
 */
export function installHttpObservability(fastify: FastifyInstance, metrics: ServiceMetrics): void {
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = metrics.counter({
    name: 'bridge_http_requests_total',
    help: 'HTTP requests answered by the gateway, by method, route template and status.',
    labelNames,
  });
  const durations = metrics.histogram({
    name: 'bridge_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route template and status.',
    labelNames,
  });
  const inFlight = new WeakMap<FastifyRequest, { startedAt: bigint; span: Span }>();

  fastify.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = startSpan(metrics.service, request.method, {
      kind: SpanKind.SERVER,
      parent,
      // The correlation hook ran first: the id the response echoes finds the request's trace.
      attributes: {
        'http.request.method': request.method,
        'bridge.correlation_id': currentCorrelationId() ?? '',
      },
    });
    inFlight.set(request, { startedAt: process.hrtime.bigint(), span });
    context.with(trace.setSpan(parent, span), done);
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    const entry = inFlight.get(request);
    if (entry) {
      inFlight.delete(request);
      const route = request.routeOptions.url ?? UNMATCHED;
      const labels = { method: request.method, route, status: String(reply.statusCode) };
      requests.inc(labels);
      durations.observe(labels, Number(process.hrtime.bigint() - entry.startedAt) / 1e9);
      entry.span.updateName(`${request.method} ${route}`);
      entry.span.setAttributes({ 'http.route': route, 'http.response.status_code': reply.statusCode });
      if (reply.statusCode >= 500) failSpan(entry.span, { code: String(reply.statusCode) });
      entry.span.end();
    }
    done();
  });
}
