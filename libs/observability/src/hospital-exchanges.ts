import { SpanKind } from '@opentelemetry/api';
import { ServiceMetrics } from './metrics';
import { inSpan } from './tracing';

/** How one exchange with a hospital ended: bounded, never the hospital's own text. */
export type ExchangeOutcome = 'found' | 'not_found' | 'hospital_error' | 'timeout' | 'refused' | 'failed';

export type ExchangeChannel = 'mllp' | 'webservice';

/**
 * `bridge_hospital_exchanges_total` and `bridge_hospital_exchange_duration_seconds` by hospital, channel and
 * outcome, plus a client span per exchange: what hl7-gateway (MLLP queries) and patient-import (web-service
 * lookups) record around each call to a hospital.
 */
export class HospitalExchangeMetrics {
  private readonly exchanges;
  private readonly durations;

  constructor(private readonly metrics: ServiceMetrics) {
    const definition = { labelNames: ['hospital_id', 'channel', 'outcome'] as const };
    this.exchanges = metrics.counter({
      ...definition,
      name: 'bridge_hospital_exchanges_total',
      help: 'Exchanges with hospital systems (MLLP queries, web-service lookups) by hospital, channel and outcome.',
    });
    this.durations = metrics.histogram({
      ...definition,
      name: 'bridge_hospital_exchange_duration_seconds',
      help: 'Duration of exchanges with hospital systems, by hospital, channel and outcome.',
    });
  }

  /** Runs the exchange in a span and records it; `outcomeOf` reads the result or the error thrown. */
  async measure<T>(
    exchange: { hospitalId: string; channel: ExchangeChannel },
    outcomeOf: (result: { value: T } | { error: unknown }) => ExchangeOutcome,
    work: () => Promise<T>,
  ): Promise<T> {
    const started = process.hrtime.bigint();
    const record = (outcome: ExchangeOutcome) => {
      const labels = { hospital_id: exchange.hospitalId, channel: exchange.channel, outcome };
      this.exchanges.inc(labels);
      this.durations.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      return outcome;
    };
    return inSpan(
      this.metrics.service,
      `${exchange.channel} exchange`,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'bridge.hospital_id': exchange.hospitalId, 'bridge.channel': exchange.channel },
      },
      async (span) => {
        try {
          const value = await work();
          span.setAttribute('bridge.outcome', record(outcomeOf({ value })));
          return value;
        } catch (error) {
          span.setAttribute('bridge.outcome', record(outcomeOf({ error })));
          throw error;
        }
      },
    );
  }
}

/** The outcome of an exchange that ended with this error code (or none): one mapping for every channel. */
export function exchangeOutcomeOf(code: string | undefined): ExchangeOutcome {
  switch (code) {
    case undefined:
      return 'found';
    case 'PATIENT_NOT_FOUND_AT_HOSPITAL':
      return 'not_found';
    case 'HOSPITAL_TIMEOUT':
      return 'timeout';
    case 'CONNECTION_DESTINATION_REFUSED':
      return 'refused';
    case 'HOSPITAL_ERROR':
      return 'hospital_error';
    default:
      return 'failed';
  }
}
