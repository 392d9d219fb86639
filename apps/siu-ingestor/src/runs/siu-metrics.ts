import { Injectable } from '@nestjs/common';
import { ServiceMetrics } from '@bridge/observability';

export type SiuRunOutcome = 'started' | 'succeeded' | 'failed';
export type SiuMessageOutcome = 'processed' | 'failed' | 'duplicate';

/** `bridge_siu_runs_total` and `bridge_siu_messages_total`, by hospital and outcome (PRODUCT.md "Metrics"). */
@Injectable()
export class SiuMetrics {
  private readonly runs;
  private readonly messages;

  constructor(metrics: ServiceMetrics) {
    this.runs = metrics.counter({
      name: 'bridge_siu_runs_total',
      help: 'SIU runs by hospital and outcome: started, then succeeded or failed when they end.',
      labelNames: ['hospital_id', 'outcome'],
    });
    this.messages = metrics.counter({
      name: 'bridge_siu_messages_total',
      help: 'SIU messages (file lines and real-time MLLP) finished, by hospital and outcome.',
      labelNames: ['hospital_id', 'outcome'],
    });
  }

  run(hospitalId: string, outcome: SiuRunOutcome): void {
    this.runs.inc({ hospital_id: hospitalId, outcome });
  }

  message(hospitalId: string, outcome: SiuMessageOutcome): void {
    this.messages.inc({ hospital_id: hospitalId, outcome });
  }
}
