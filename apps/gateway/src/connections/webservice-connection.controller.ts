import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes, ScopesGuard } from '@bridge/auth';
import { WebServiceConnectionInputV1 } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { Audited, param } from '../audit/audited';

/** A hospital's web service for pull imports (pdq, fhir or custom). Secrets go in, never out. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/hospitals/:hospitalId/connections/webservice')
export class WebServiceConnectionController {
  constructor(private readonly bus: Bus) {}

  @Put()
  @Audited('connection.webservice.changed', 'webservice-connection', param('hospitalId'))
  @ApiOperation({
    summary:
      "Create or replace the hospital's web-service connection (the answer shows secretSet, never the secret)",
  })
  put(
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Body() connection: WebServiceConnectionInputV1,
  ) {
    return this.bus.request('imports.webservice-connection.put.v1', { hospitalId, connection });
  }

  @Get()
  @ApiOperation({
    summary: "The hospital's web-service connection without its secrets (404 when it has none)",
  })
  get(@Param('hospitalId', ResourceIdPipe) hospitalId: string) {
    return this.bus.request('imports.webservice-connection.get.v1', { hospitalId });
  }
}
