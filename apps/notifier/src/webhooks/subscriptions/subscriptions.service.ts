import { Injectable } from '@nestjs/common';
import { DestinationPolicy } from '@bridge/config';
import {
  DomainError,
  type CreateWebhookRequestV1,
  type WebhookCreatedV1,
  type WebhookEventType,
  type WebhookListV1,
  type WebhookViewV1,
} from '@bridge/contracts';
import { SecretBox, type SealedSecret } from '@bridge/database';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { newWebhookSecret } from '../webhook-signature';
import { checkWebhookUrl } from '../webhook-url';
import { WebhookRoutes } from './webhook-routes';

interface SubscriptionRow {
  id: string;
  hospital_id: string;
  url: string;
  events: WebhookEventType[];
  include_phi: boolean;
  created_at: Date;
}

const TABLE = 'notifier.webhook_subscriptions';

/** What a secret is bound to: this table, the hospital and the subscription (a copied value does not open). */
export function secretContext(hospitalId: string, subscriptionId: string): string {
  return `${TABLE}:${hospitalId}:${subscriptionId}`;
}

/** Webhook subscriptions of one hospital: every query takes the hospital, so no tenant sees another's. */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly destinations: DestinationPolicy,
    private readonly routes: WebhookRoutes,
  ) {}

  async create(request: CreateWebhookRequestV1): Promise<WebhookCreatedV1> {
    const url = await checkWebhookUrl(request.webhook.url, this.destinations);
    const id = randomUUID();
    const secret = newWebhookSecret();
    const sealed = this.box.seal(secret, secretContext(request.hospitalId, id));
    // Before the webhook exists: no event after it is stored can find the hospital unrouted.
    await this.routes.route([request.hospitalId]);
    const [row]: SubscriptionRow[] = await this.dataSource.query(
      `INSERT INTO ${TABLE} (id, hospital_id, url, events, include_phi, secret, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING id, hospital_id, url, events, include_phi, created_at`,
      [
        id,
        request.hospitalId,
        url.toString(),
        request.webhook.events,
        request.webhook.includePhi ?? false,
        JSON.stringify(sealed),
        request.createdBy,
      ],
    );
    return { ...viewOf(row), secret };
  }

  async list(hospitalId: string): Promise<WebhookListV1> {
    const rows: SubscriptionRow[] = await this.dataSource.query(
      `SELECT id, hospital_id, url, events, include_phi, created_at FROM ${TABLE}
       WHERE hospital_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`,
      [hospitalId],
    );
    return { webhooks: rows.map(viewOf) };
  }

  async get(hospitalId: string, webhookId: string): Promise<WebhookViewV1> {
    const [row]: SubscriptionRow[] = await this.dataSource.query(
      `SELECT id, hospital_id, url, events, include_phi, created_at FROM ${TABLE}
       WHERE id = $1 AND hospital_id = $2 AND deleted_at IS NULL`,
      [webhookId, hospitalId],
    );
    if (!row) throw notFound();
    return viewOf(row);
  }

  /** Deleted subscriptions stay as rows (their delivery log refers to them); nothing more is sent to them. */
  async delete(hospitalId: string, webhookId: string): Promise<WebhookViewV1> {
    const [rows]: [SubscriptionRow[], number] = await this.dataSource.query(
      `UPDATE ${TABLE} SET deleted_at = now()
       WHERE id = $1 AND hospital_id = $2 AND deleted_at IS NULL
       RETURNING id, hospital_id, url, events, include_phi, created_at`,
      [webhookId, hospitalId],
    );
    if (!rows[0]) throw notFound();
    return viewOf(rows[0]);
  }

  /** The plain signing secret of a live subscription, for the delivery worker. */
  openSecret(hospitalId: string, subscriptionId: string, sealed: SealedSecret): string {
    return this.box.open(sealed, secretContext(hospitalId, subscriptionId));
  }
}

function viewOf(row: SubscriptionRow): WebhookViewV1 {
  return {
    id: row.id,
    hospitalId: row.hospital_id,
    url: row.url,
    events: row.events,
    includePhi: row.include_phi,
    createdAt: row.created_at.toISOString(),
  };
}

function notFound(): DomainError {
  return new DomainError('WEBHOOK_NOT_FOUND', 'No such webhook subscription in this hospital.');
}
