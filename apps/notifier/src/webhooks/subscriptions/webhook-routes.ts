import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Bus } from '@bridge/messaging';
import { DataSource } from 'typeorm';
import { WEBHOOK_EVENT_QUEUES } from '../deliveries/webhook-events.handler';

/**
 * Routes to the webhook queues the events of the hospitals that have webhooks, and only those (libs/messaging
 * routing.ts). For a hospital without any, the two events of every push are dropped by the broker unstored,
 * instead of being stored, delivered here and dropped after a read (issue 17: an event nobody wants costs no
 * more than its outbox row).
 *
 * Routes only grow. A hospital still routed after its last webhook was deleted costs what every hospital
 * cost before (WebhookEventsHandler drops its events after one indexed read); a hospital with a webhook and
 * no route would miss its events. So a hospital is routed before its first webhook is stored, and every
 * hospital with one again at each start (the in-process bus keeps routes only as long as the process).
 */
@Injectable()
export class WebhookRoutes implements OnApplicationBootstrap {
  constructor(
    private readonly bus: Bus,
    private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const rows: { hospital_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT hospital_id FROM notifier.webhook_subscriptions WHERE deleted_at IS NULL`,
    );
    await this.route(rows.map((row) => row.hospital_id));
  }

  async route(hospitalIds: readonly string[]): Promise<void> {
    for (const { event, queue } of WEBHOOK_EVENT_QUEUES) {
      await this.bus.routeHospitals(event, queue, hospitalIds);
    }
  }
}
