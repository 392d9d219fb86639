import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes, ScopesGuard } from '@bridge/auth';
import { ConnectionTestInputV1, type ConnectionTestResultV1 } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { Audited, param } from '../audit/audited';

/**
 * Connection self-tests: each runs in the service that owns the connection, over its real client code,
 * and answers a checklist `{ok, steps}` (200 even when a step fails: the test itself worked).
 */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/hospitals/:hospitalId/connections')
export class ConnectionTestController {
  constructor(private readonly bus: Bus) {}

  @Post('hl7/test')
  @HttpCode(200)
  @Audited('connection.hl7.tested', 'hl7-connection', param('hospitalId'))
  @ApiOperation({ summary: 'Test the HL7 connection step by step (nothing is imported)' })
  hl7(
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Body() input: ConnectionTestInputV1,
  ): Promise<ConnectionTestResultV1> {
    return this.bus.request('hl7.connection.test.v1', { ...input, hospitalId });
  }

  @Post('webservice/test')
  @HttpCode(200)
  @Audited('connection.webservice.tested', 'webservice-connection', param('hospitalId'))
  @ApiOperation({ summary: 'Test the web-service connection step by step (nothing is imported)' })
  webservice(
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Body() input: ConnectionTestInputV1,
  ): Promise<ConnectionTestResultV1> {
    return this.bus.request('imports.webservice-connection.test.v1', { ...input, hospitalId });
  }

  @Post('siu/test')
  @HttpCode(200)
  @Audited('connection.siu.tested', 'siu-connection', param('hospitalId'))
  @ApiOperation({
    summary:
      'Test the SIU source step by step: no file is read, moved or deleted (an empty probe file is created and deleted in the archive folder)',
  })
  siu(
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Body() input: ConnectionTestInputV1,
  ): Promise<ConnectionTestResultV1> {
    return this.bus.request('siu.connection.test.v1', { ...input, hospitalId });
  }
}
