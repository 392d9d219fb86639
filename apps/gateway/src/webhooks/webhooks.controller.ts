import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, ScopesGuard, tenantOf } from '@bridge/auth';
import { WebhookDeliveriesQueryV1, WebhookInputV1, type Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { Audited, param } from '../audit/audited';
import { ResourceIdPipe } from '../http/resource-id.pipe';

/** Webhook subscriptions of the caller's hospital (API clients with scope `webhooks`). */
@ApiTags('webhooks')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly bus: Bus) {}

  @Post()
  @Audited('webhook.created', 'webhook')
  @ApiOperation({
    summary:
      'Subscribe a URL (https) to events; answers the signing secret (whsec_…, Standard Webhooks) this once',
  })
  create(@CurrentPrincipal() principal: Principal, @Body() webhook: WebhookInputV1) {
    return this.bus.request('webhooks.subscription.create.v1', {
      hospitalId: tenantOf(principal),
      webhook,
      createdBy: `${principal.kind}:${principal.subject}`,
    });
  }

  @Get()
  @ApiOperation({ summary: "The hospital's webhook subscriptions (never their secrets)" })
  list(@CurrentPrincipal() principal: Principal) {
    return this.bus.request('webhooks.subscription.list.v1', { hospitalId: tenantOf(principal) });
  }

  @Delete(':webhookId')
  @Audited('webhook.deleted', 'webhook', param('webhookId'))
  @ApiOperation({ summary: 'Stop a subscription: nothing more is sent to it (its delivery log stays)' })
  delete(@CurrentPrincipal() principal: Principal, @Param('webhookId', ResourceIdPipe) webhookId: string) {
    return this.bus.request('webhooks.subscription.delete.v1', {
      hospitalId: tenantOf(principal),
      webhookId,
    });
  }

  @Get(':webhookId/deliveries')
  @ApiOperation({
    summary: 'The delivery log, newest first: status, attempts, last answer (status, first bytes)',
  })
  deliveries(
    @CurrentPrincipal() principal: Principal,
    @Param('webhookId', ResourceIdPipe) webhookId: string,
    @Query() query: WebhookDeliveriesQueryV1,
  ) {
    return this.bus.request('webhooks.delivery.list.v1', {
      ...query,
      hospitalId: tenantOf(principal),
      webhookId,
    });
  }

  @Post(':webhookId/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @Audited('webhook.redelivered', 'webhook-delivery', param('deliveryId'))
  @ApiOperation({ summary: 'Send a delivery again (same webhook-id), retried for another 24 h' })
  redeliver(
    @CurrentPrincipal() principal: Principal,
    @Param('webhookId', ResourceIdPipe) webhookId: string,
    @Param('deliveryId', ResourceIdPipe) deliveryId: string,
  ) {
    return this.bus.request('webhooks.delivery.redeliver.v1', {
      hospitalId: tenantOf(principal),
      webhookId,
      deliveryId,
    });
  }
}
