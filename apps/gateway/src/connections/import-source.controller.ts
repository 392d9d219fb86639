import { Body, Controller, Param, Put, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes, ScopesGuard } from '@bridge/auth';
import { ImportSourceInputV1 } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { Audited, param } from '../audit/audited';

/** Which pull path a hospital's imports take: its web service or an HL7 query over MLLP. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/hospitals/:hospitalId/import-source')
export class ImportSourceController {
  constructor(private readonly bus: Bus) {}

  @Put()
  @Audited('import-source.changed', 'import-source', param('hospitalId'))
  @ApiOperation({ summary: "Choose the hospital's import source: webservice or hl7" })
  put(@Param('hospitalId', ResourceIdPipe) hospitalId: string, @Body() body: ImportSourceInputV1) {
    return this.bus.request('imports.source.put.v1', { hospitalId, source: body.source });
  }
}
