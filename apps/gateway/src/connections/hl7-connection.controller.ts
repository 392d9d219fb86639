import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes, ScopesGuard } from '@bridge/auth';
import { Hl7ConnectionInputV1 } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { Audited, param } from '../audit/audited';

/** A hospital's HL7 (MLLP) connection for pull imports: QRY^A19 or QBP^Q22. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/hospitals/:hospitalId/connections/hl7')
export class Hl7ConnectionController {
  constructor(private readonly bus: Bus) {}

  @Put()
  @Audited('connection.hl7.changed', 'hl7-connection', param('hospitalId'))
  @ApiOperation({ summary: "Create or replace the hospital's HL7 connection" })
  put(@Param('hospitalId', ResourceIdPipe) hospitalId: string, @Body() connection: Hl7ConnectionInputV1) {
    return this.bus.request('hl7.connection.put.v1', { hospitalId, connection });
  }

  @Get()
  @ApiOperation({ summary: "The hospital's HL7 connection (404 when it has none)" })
  get(@Param('hospitalId', ResourceIdPipe) hospitalId: string) {
    return this.bus.request('hl7.connection.get.v1', { hospitalId });
  }
}
