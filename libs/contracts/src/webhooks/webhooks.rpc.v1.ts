import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';

/** What a hospital's system may subscribe to (PRODUCT.md "Beyond the seed", Webhooks). */
export const WEBHOOK_EVENT_TYPES = [
  'patient.created',
  'patient.updated',
  'careflow.started',
  'careflow.updated',
  'careflow.stopped',
  'alert.opened',
  'alert.resolved',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** Body of `POST /v1/webhooks`. The URL's scheme and destination are checked by notifier (destination policy). */
export class WebhookInputV1 {
  @ApiProperty({ example: 'https://emr.example.org/hooks/careflow' })
  @IsString()
  @MaxLength(2000)
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events: WebhookEventType[];

  @ApiPropertyOptional({
    default: false,
    description: "The patient's fields in each delivery (else ids only)",
  })
  @IsOptional()
  @IsBoolean()
  includePhi?: boolean;
}

export class CreateWebhookRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => WebhookInputV1) webhook: WebhookInputV1;
  /** `client:<id>` / `user:<id>`: who subscribed, kept for the console. */
  @IsString() @MaxLength(210) createdBy: string;
}

export class ListWebhooksRequestV1 extends HospitalScopedV1 {}

export class WebhookRequestV1 extends HospitalScopedV1 {
  @IsUUID('all') webhookId: string;
}

/** Query of `GET /v1/webhooks/{id}/deliveries`: newest first. */
export class WebhookDeliveriesQueryV1 {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 }) @IsOptional() @IsInt() @Min(0) offset?: number;

  @ApiPropertyOptional({ enum: WEBHOOK_DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(WEBHOOK_DELIVERY_STATUSES)
  status?: WebhookDeliveryStatus;
}

export class ListWebhookDeliveriesRequestV1 extends WebhookDeliveriesQueryV1 {
  @IsUUID('all') hospitalId: string;
  @IsUUID('all') webhookId: string;
}

export class RedeliverWebhookRequestV1 extends WebhookRequestV1 {
  @IsUUID('all') deliveryId: string;
}

export interface WebhookViewV1 {
  id: string;
  hospitalId: string;
  url: string;
  events: WebhookEventType[];
  includePhi: boolean;
  createdAt: string;
}

/** The answer to a subscription: its signing secret (`whsec_` + base64), shown this once. */
export interface WebhookCreatedV1 extends WebhookViewV1 {
  secret: string;
}

export interface WebhookListV1 {
  webhooks: WebhookViewV1[];
}

/** One try of a delivery: the receiver's status and the first bytes of its answer, or why there was none. */
export interface WebhookAttemptViewV1 {
  attempt: number;
  at: string;
  durationMs: number;
  responseStatus?: number;
  responseExcerpt?: string;
  error?: string;
}

export interface WebhookDeliveryViewV1 {
  /** Also the `webhook-id` header: the same on every retry and redelivery. */
  id: string;
  webhookId: string;
  eventType: WebhookEventType;
  patientId?: string;
  careFlowId?: string;
  alertId?: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  createdAt: string;
  nextAttemptAt?: string;
  deliveredAt?: string;
  lastAttempt?: WebhookAttemptViewV1;
}

export interface WebhookDeliveryPageV1 {
  total: number;
  deliveries: WebhookDeliveryViewV1[];
}
