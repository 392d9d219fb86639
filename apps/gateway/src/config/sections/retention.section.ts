import { Injectable } from '@nestjs/common';
import { RetentionInputV1, validatePayload } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { ConfigSection } from '../config-section';

/** `retention`: how long the message log keeps bodies and rows (the defaults when never set). */
@Injectable()
export class RetentionSection implements ConfigSection<RetentionInputV1> {
  readonly path = 'retention';
  readonly secretPaths = [];

  constructor(private readonly bus: Bus) {}

  async read(hospitalId: string): Promise<RetentionInputV1> {
    const { messageBodiesDays, messagesDays } = await this.bus.request('tenancy.retention.get.v1', {
      hospitalId,
    });
    return { messageBodiesDays, messagesDays };
  }

  async check(hospitalId: string, wanted: unknown): Promise<void> {
    const retention = validatePayload(RetentionInputV1, wanted ?? {});
    await this.bus.request('tenancy.retention.put.v1', { hospitalId, retention, dryRun: true });
  }

  async write(hospitalId: string, wanted: RetentionInputV1): Promise<void> {
    await this.bus.request('tenancy.retention.put.v1', { hospitalId, retention: wanted });
  }
}
