import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { administersHospital, CurrentPrincipal, RequireScopes, ScopesGuard } from '@bridge/auth';
import { AuditEventsQueryV1, DomainError, type Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { ResourceIdPipe } from '../http/resource-id.pipe';

/** The audit trail of one hospital: who read which patient, who changed what. Ids only, newest first. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin', 'users:write')
@Controller('v1/admin/hospitals/:hospitalId/audit-events')
export class AuditEventsController {
  constructor(private readonly bus: Bus) {}

  @Get()
  @ApiOperation({
    summary:
      'Audit events, newest first, 100 a page (nextCursor for more): platform admins, or a hospital admin of this hospital',
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Query() query: AuditEventsQueryV1,
  ) {
    if (!administersHospital(principal, hospitalId)) {
      throw new DomainError(
        'FORBIDDEN',
        "Only platform admins and this hospital's admins read its audit trail.",
      );
    }
    return this.bus.request('audit.events.list.v1', { ...query, hospitalId });
  }
}
