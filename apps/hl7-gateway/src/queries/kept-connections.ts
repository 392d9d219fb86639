import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { MllpKeptConnections } from '@bridge/hl7';
import { ServiceMetrics } from '@bridge/observability';

/**
 * The hospitals' MLLP connections kept open between queries (keepOpenMs), closed when the service stops.
 * `bridge_hl7_kept_connections` shows how many each hospital's engine holds from this instance.
 */
@Injectable()
export class KeptConnections extends MllpKeptConnections implements OnModuleDestroy {
  private readonly stopCollector: () => void;

  constructor(metrics: ServiceMetrics) {
    super();
    this.stopCollector = metrics
      .gauge({
        name: 'bridge_hl7_kept_connections',
        help: 'MLLP connections kept open, idle, for the next query (keepOpenMs), per hospital.',
        labelNames: ['hospital_id'],
      })
      .collectWith('kept-connections', async () =>
        this.keptCounts().map(({ peer, count }) => ({ labels: { hospital_id: peer }, value: count })),
      );
  }

  onModuleDestroy(): Promise<void> {
    this.stopCollector();
    return this.close();
  }
}
