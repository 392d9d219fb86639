import { Body, Controller, Get, Param, Put, Query, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { administersHospital, CurrentPrincipal, RequireScopes, ScopesGuard } from '@bridge/auth';
import { AlertRulesInputV1, DomainError, ListAlertsRequestV1, type Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { Audited, param } from '../audit/audited';
import { ResourceIdPipe } from '../http/resource-id.pipe';

/**
 * Alert rules per hospital and the alerts notifier opened and resolved (PRODUCT.md "Operations").
 * Platform admins change rules; a signed-in hospital admin may read its own hospital's rules and alerts.
 */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin', 'users:write')
@Controller('v1/admin')
export class AlertsController {
  constructor(private readonly bus: Bus) {}

  @Put('hospitals/:hospitalId/alert-rules')
  @Audited('alert-rules.changed', 'alert-rules', param('hospitalId'))
  @ApiOperation({ summary: "Replace the hospital's alert rules (platform admins)" })
  putRules(
    @CurrentPrincipal() principal: Principal,
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Body() input: AlertRulesInputV1,
  ) {
    if (!principal.scopes.includes('admin'))
      throw new DomainError('INSUFFICIENT_SCOPE', 'Only platform admins change alert rules.');
    return this.bus.request('alerts.rules.put.v1', { hospitalId, input });
  }

  @Get('hospitals/:hospitalId/alert-rules')
  @ApiOperation({
    summary: "The hospital's alert rules with their defaults (an empty list when it has none)",
  })
  getRules(
    @CurrentPrincipal() principal: Principal,
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
  ) {
    mustRead(principal, hospitalId);
    return this.bus.request('alerts.rules.get.v1', { hospitalId });
  }

  @Get('alerts')
  @ApiOperation({ summary: 'Alerts, newest first (a hospital admin sees its own hospital only)' })
  listAlerts(@CurrentPrincipal() principal: Principal, @Query() query: ListAlertsRequestV1) {
    if (principal.scopes.includes('admin')) return this.bus.request('alerts.alert.list.v1', query);
    // A hospital admin reads its own hospital's alerts, whichever hospitalId the query names.
    const hospitalId = principal.hospitalId ?? '';
    mustRead(principal, hospitalId);
    if (query.hospitalId && query.hospitalId !== hospitalId) mustRead(principal, query.hospitalId);
    return this.bus.request('alerts.alert.list.v1', { ...query, hospitalId });
  }
}

function mustRead(principal: Principal, hospitalId: string): void {
  if (!administersHospital(principal, hospitalId))
    throw new DomainError('FORBIDDEN', "Only platform admins and this hospital's admins read its alerts.");
}
