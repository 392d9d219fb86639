import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { administersHospital, CurrentPrincipal, RequireScopes, ScopesGuard } from '@bridge/auth';
import { DomainError, WebhookDeliveriesQueryV1, type Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { Audited, param } from '../audit/audited';
import { ResourceIdPipe } from '../http/resource-id.pipe';

/**
 * The console's view of a hospital's webhooks: subscriptions, delivery log, redelivery. For platform admins
 * and a signed-in hospital admin of that hospital; subscribing stays with the hospital's own API clients.
 */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin', 'users:write')
@Controller('v1/admin/hospitals/:hospitalId/webhooks')
export class HospitalWebhooksController {
  constructor(private readonly bus: Bus) {}

  @Get()
  @ApiOperation({ summary: "The hospital's webhook subscriptions (never their secrets)" })
  list(@CurrentPrincipal() principal: Principal, @Param('hospitalId', ResourceIdPipe) hospitalId: string) {
    mustManage(principal, hospitalId);
    return this.bus.request('webhooks.subscription.list.v1', { hospitalId });
  }

  @Get(':webhookId/deliveries')
  @ApiOperation({ summary: 'The delivery log of one subscription, newest first' })
  deliveries(
    @CurrentPrincipal() principal: Principal,
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Param('webhookId', ResourceIdPipe) webhookId: string,
    @Query() query: WebhookDeliveriesQueryV1,
  ) {
    mustManage(principal, hospitalId);
    return this.bus.request('webhooks.delivery.list.v1', { ...query, hospitalId, webhookId });
  }

  @Post(':webhookId/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @Audited('webhook.redelivered', 'webhook-delivery', param('deliveryId'))
  @ApiOperation({ summary: 'Send a delivery again (same webhook-id), retried for another 24 h' })
  redeliver(
    @CurrentPrincipal() principal: Principal,
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Param('webhookId', ResourceIdPipe) webhookId: string,
    @Param('deliveryId', ResourceIdPipe) deliveryId: string,
  ) {
    mustManage(principal, hospitalId);
    return this.bus.request('webhooks.delivery.redeliver.v1', { hospitalId, webhookId, deliveryId });
  }
}

function mustManage(principal: Principal, hospitalId: string): void {
  if (!administersHospital(principal, hospitalId))
    throw new DomainError('FORBIDDEN', "Only platform admins and this hospital's admins see its webhooks.");
}
