import { serveMetrics, type MetricsEndpoint } from './metrics-server';
import { startTracing, type TracingHandle } from './tracing';

export interface ObservabilityConfig {
  METRICS_PORT?: number;
  METRICS_HOST?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}

export interface RunningObservability {
  metrics?: MetricsEndpoint;
  tracing: TracingHandle;
  close(): Promise<void>;
}

/**
 * What each service's app factory starts before its Nest app: the `/metrics` listener when METRICS_PORT is
 * set, the tracer provider when OTEL_EXPORTER_OTLP_ENDPOINT is. Both are per process and shared by the
 * services hosted in it, so the embedded default serves one endpoint and runs one provider.
 */
export async function startObservability(
  service: string,
  config: ObservabilityConfig,
): Promise<RunningObservability> {
  const tracing = startTracing(service, config);
  let metrics: MetricsEndpoint | undefined;
  try {
    if (config.METRICS_PORT) metrics = await serveMetrics(config.METRICS_PORT, config.METRICS_HOST);
  } catch (error) {
    await tracing.close();
    throw error;
  }
  return {
    metrics,
    tracing,
    close: async () => {
      await metrics?.close();
      await tracing.close();
    },
  };
}
