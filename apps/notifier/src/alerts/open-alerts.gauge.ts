import { Injectable, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { ServiceMetrics } from '@bridge/observability';
import { DataSource } from 'typeorm';

/**
 * `bridge_alerts_open{hospital_id,kind}`, read from the alerts table when scraped: right across restarts
 * and instances, with nothing to keep in step when an alert opens or resolves.
 */
@Injectable()
export class OpenAlertsGauge implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private stop: (() => void) | undefined;

  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.stop = this.metrics
      .gauge({
        name: 'bridge_alerts_open',
        help: 'Open alerts by hospital and kind.',
        labelNames: ['hospital_id', 'kind'],
      })
      .collectWith('open', async () => {
        const rows = await this.dataSource.query<{ hospital_id: string; kind: string; open: number }[]>(
          `SELECT hospital_id, kind, count(*)::int AS open FROM notifier.alerts WHERE state = 'open' GROUP BY 1, 2`,
        );
        return rows.map((row) => ({
          labels: { hospital_id: row.hospital_id, kind: row.kind },
          value: row.open,
        }));
      });
  }

  beforeApplicationShutdown(): void {
    this.stop?.();
  }
}
