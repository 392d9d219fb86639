import { Body, Controller, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, ScopesGuard, tenantOf } from '@bridge/auth';
import type { Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { BaselineChangeDto, StopCareFlowDto } from './care-flows.dto';

const ANY_HOSPITAL_SCOPE = ['patients:read', 'patients:write', 'careflows:write', 'imports'] as const;

@ApiTags('care flows')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@Controller('v1')
export class CareFlowsController {
  constructor(private readonly bus: Bus) {}

  @Patch('care-flows/:careFlowId/baseline')
  @RequireScopes('careflows:write')
  updateBaseline(
    @CurrentPrincipal() principal: Principal,
    @Param('careFlowId', ResourceIdPipe) careFlowId: string,
    @Body() body: BaselineChangeDto,
  ) {
    return this.bus.request('careflows.baseline.update.v1', {
      hospitalId: tenantOf(principal),
      careFlowId,
      baseline: body.baseline,
    });
  }

  @Post('care-flows/:careFlowId/stop')
  @HttpCode(200)
  @RequireScopes('careflows:write')
  stop(
    @CurrentPrincipal() principal: Principal,
    @Param('careFlowId', ResourceIdPipe) careFlowId: string,
    @Body() body: StopCareFlowDto,
  ) {
    return this.bus.request('careflows.stop.v1', {
      hospitalId: tenantOf(principal),
      careFlowId,
      reason: body.reason,
    });
  }

  @Get('care-flow-definitions')
  @RequireScopes(...ANY_HOSPITAL_SCOPE)
  definitions(@CurrentPrincipal() principal: Principal) {
    return this.bus.request('careflows.definition.list.v1', { hospitalId: tenantOf(principal) });
  }

  @Get('physicians')
  @RequireScopes(...ANY_HOSPITAL_SCOPE)
  physicians(@CurrentPrincipal() principal: Principal) {
    return this.bus.request('users.physician.list.v1', { hospitalId: tenantOf(principal) });
  }
}
