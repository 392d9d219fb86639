import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes, ScopesGuard } from '@bridge/auth';
import { RetentionInputV1 } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { Audited, param } from '../audit/audited';

/** How long a hospital's message log keeps message bodies and messages (pruned daily by each journal). */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/hospitals/:hospitalId/retention')
export class RetentionController {
  constructor(private readonly bus: Bus) {}

  @Put()
  @Audited('retention.changed', 'retention', param('hospitalId'))
  @ApiOperation({ summary: 'Set retention: bodies and messages, in days (defaults 90 / 365)' })
  put(@Param('hospitalId', ResourceIdPipe) hospitalId: string, @Body() retention: RetentionInputV1) {
    return this.bus.request('tenancy.retention.put.v1', { hospitalId, retention });
  }

  @Get()
  @ApiOperation({ summary: "The hospital's retention (the defaults until set)" })
  get(@Param('hospitalId', ResourceIdPipe) hospitalId: string) {
    return this.bus.request('tenancy.retention.get.v1', { hospitalId });
  }
}
