import { Body, Controller, Get, Param, Put, Query, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, ScopesGuard } from '@bridge/auth';
import { DomainError, type ConfigApplyResultV1, type Principal } from '@bridge/contracts';
import { Audited } from '../audit/audited';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { actorOf } from '../users/actor';
import { HospitalConfigService } from './hospital-config.service';

/** A hospital's whole configuration as one document: export it, see what a document would change, apply it. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/hospitals/:hospitalId/config')
export class HospitalConfigController {
  constructor(private readonly config: HospitalConfigService) {}

  @Get()
  @ApiOperation({ summary: 'The hospital\'s configuration document (secrets as {"secret": "set"})' })
  export(@Param('hospitalId', ResourceIdPipe) hospitalId: string) {
    return this.config.export(hospitalId);
  }

  @Put()
  // A dry run changes nothing and records nothing (an empty target list).
  @Audited('config.applied', 'hospital-config', ({ params, result }) =>
    (result as ConfigApplyResultV1).dryRun ? [] : params.hospitalId,
  )
  @ApiOperation({
    summary: 'Apply a configuration document atomically; ?dryRun=true only answers the changes',
  })
  @ApiQuery({ name: 'dryRun', required: false, type: Boolean })
  apply(
    @CurrentPrincipal() principal: Principal,
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Body() document: unknown,
    @Query('dryRun') dryRun?: string,
  ): Promise<ConfigApplyResultV1> {
    if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') {
      throw new DomainError('VALIDATION_FAILED', 'dryRun must be true or false.', {
        errors: [{ field: 'dryRun', message: 'dryRun must be true or false' }],
      });
    }
    return this.config.apply(hospitalId, document, { dryRun: dryRun === 'true', actor: actorOf(principal) });
  }
}
