import { Body, Controller, Delete, Get, HttpCode, Param, Patch, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, ScopesGuard } from '@bridge/auth';
import { CareFlowDefinitionPatchV1, UserPatchV1, type Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { Audited, param } from '../audit/audited';
import { actorOf } from '../users/actor';
import { DefinitionKeyPipe } from './definition-key.pipe';

/**
 * What the console lists and edits of one hospital besides its API clients: users (list, change,
 * deactivate) and care-flow definitions (list with the deactivated ones, change, deactivate).
 * The same bus patterns as the hospital's own /v1/users routes; the actor is the platform admin.
 */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/hospitals/:hospitalId')
export class AdminHospitalListsController {
  constructor(private readonly bus: Bus) {}

  @Get('users')
  @ApiOperation({ summary: "The hospital's users, active and deactivated" })
  listUsers(@Param('hospitalId', ResourceIdPipe) hospitalId: string) {
    return this.bus.request('users.user.find.v1', { hospitalId });
  }

  @Patch('users/:userId')
  @Audited('user.changed', 'user', param('userId'))
  @ApiOperation({ summary: 'Change the fields sent; active: false deactivates and revokes sessions' })
  updateUser(
    @CurrentPrincipal() principal: Principal,
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Param('userId', ResourceIdPipe) userId: string,
    @Body() patch: UserPatchV1,
  ) {
    return this.bus.request('users.user.update.v1', { hospitalId, actor: actorOf(principal), userId, patch });
  }

  @Delete('users/:userId')
  @HttpCode(204)
  @Audited('user.deactivated', 'user', param('userId'))
  @ApiOperation({ summary: 'Deactivate (kept, inactive), revoking its sessions and login tokens' })
  async deactivateUser(
    @CurrentPrincipal() principal: Principal,
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Param('userId', ResourceIdPipe) userId: string,
  ): Promise<void> {
    await this.bus.request('users.user.deactivate.v1', { hospitalId, actor: actorOf(principal), userId });
  }

  @Get('care-flow-definitions')
  @ApiOperation({ summary: "The hospital's care-flow definitions, deactivated ones included" })
  listDefinitions(@Param('hospitalId', ResourceIdPipe) hospitalId: string) {
    return this.bus.request('careflows.definition.list.v1', { hospitalId, includeInactive: true });
  }

  @Patch('care-flow-definitions/:key')
  @Audited('care-flow-definition.changed', 'care-flow-definition')
  @ApiOperation({
    summary: 'Change title or baseline fields; active: false deactivates (running care flows go on)',
  })
  updateDefinition(
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Param('key', DefinitionKeyPipe) key: string,
    @Body() patch: CareFlowDefinitionPatchV1,
  ) {
    return this.bus.request('careflows.definition.update.v1', { hospitalId, key, patch });
  }

  @Delete('care-flow-definitions/:key')
  @Audited('care-flow-definition.deactivated', 'care-flow-definition')
  @ApiOperation({
    summary: 'Deactivate: no new care flow starts with it; running ones go on. Answers the definition.',
  })
  deactivateDefinition(
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Param('key', DefinitionKeyPipe) key: string,
  ) {
    return this.bus.request('careflows.definition.update.v1', { hospitalId, key, patch: { active: false } });
  }
}
