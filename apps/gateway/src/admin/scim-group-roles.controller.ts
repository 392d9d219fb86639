import { Body, Controller, Param, Put, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, ScopesGuard } from '@bridge/auth';
import { ScimGroupRolesInputV1, type Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { Audited, param } from '../audit/audited';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { actorOf } from '../users/actor';

/** Which IdP groups (SCIM Groups, by displayName or externalId) give which Care-app role. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/hospitals/:hospitalId/scim-group-roles')
export class ScimGroupRolesController {
  constructor(private readonly bus: Bus) {}

  @Put()
  @Audited('scim-group-roles.changed', 'scim-group-roles', param('hospitalId'))
  @ApiOperation({
    summary: "Replace the hospital's SCIM group → role mapping; members' roles are recomputed",
  })
  replace(
    @CurrentPrincipal() principal: Principal,
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Body() body: ScimGroupRolesInputV1,
  ) {
    return this.bus.request('users.scim-group-roles.replace.v1', {
      hospitalId,
      actor: actorOf(principal),
      mappings: body.mappings,
    });
  }
}
