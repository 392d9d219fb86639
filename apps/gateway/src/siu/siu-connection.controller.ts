import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes, ScopesGuard } from '@bridge/auth';
import { SiuConnectionInputV1 } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { Audited, param } from '../audit/audited';

/** A hospital's SIU connection: where its scheduling files are, when to take them, how to read them. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/hospitals/:hospitalId/connections/siu')
export class SiuConnectionController {
  constructor(private readonly bus: Bus) {}

  @Put()
  @Audited('connection.siu.changed', 'siu-connection', param('hospitalId'))
  @ApiOperation({ summary: "Create or replace the hospital's SIU connection (secrets are never returned)" })
  put(@Param('hospitalId', ResourceIdPipe) hospitalId: string, @Body() connection: SiuConnectionInputV1) {
    return this.bus.request('siu.connection.put.v1', { hospitalId, connection });
  }

  @Get()
  @ApiOperation({ summary: "The hospital's SIU connection with its defaults (404 when it has none)" })
  get(@Param('hospitalId', ResourceIdPipe) hospitalId: string) {
    return this.bus.request('siu.connection.get.v1', { hospitalId });
  }
}
