import { Body, Controller, Get, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes, ScopesGuard } from '@bridge/auth';
import {
  AdminUserInputV1,
  ApiClientInputV1,
  CareFlowDefinitionInputV1,
  HospitalInputV1,
  HospitalPatchV1,
  HospitalViewV1,
} from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { Audited, field, param } from '../audit/audited';
import { PASSWORD_HASHING_TIMEOUT_MS } from '../sessions/sessions.controller';

/** Platform administration: tenants and what they are configured with. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/hospitals')
export class AdminController {
  constructor(private readonly bus: Bus) {}

  @Post()
  @Audited('hospital.created', 'hospital', field('id'), field('id'))
  @ApiOperation({ summary: 'Create a hospital (tenant)' })
  createHospital(@Body() hospital: HospitalInputV1) {
    return this.bus.request('tenancy.hospital.create.v1', { hospital });
  }

  @Get()
  @ApiOkResponse({ type: [HospitalViewV1] })
  listHospitals() {
    return this.bus.request('tenancy.hospital.list.v1', {});
  }

  @Get(':hospitalId')
  @ApiOkResponse({ type: HospitalViewV1 })
  getHospital(@Param('hospitalId', ResourceIdPipe) hospitalId: string) {
    return this.bus.request('tenancy.hospital.get.v1', { hospitalId });
  }

  @Patch(':hospitalId')
  @Audited('hospital.updated', 'hospital', param('hospitalId'), param('hospitalId'))
  @ApiOperation({ summary: 'Rename a hospital or set its time zone (IANA); the key never changes' })
  @ApiOkResponse({ type: HospitalViewV1 })
  updateHospital(@Param('hospitalId', ResourceIdPipe) hospitalId: string, @Body() patch: HospitalPatchV1) {
    return this.bus.request('tenancy.hospital.update.v1', { hospitalId, patch });
  }

  @Post(':hospitalId/api-clients')
  @Audited('api-client.created', 'api-client')
  @ApiOperation({ summary: 'Create an API client; the secret is shown once' })
  createApiClient(@Param('hospitalId', ResourceIdPipe) hospitalId: string, @Body() client: ApiClientInputV1) {
    return this.bus.request('tenancy.api-client.create.v1', { hospitalId, client });
  }

  @Post(':hospitalId/care-flow-definitions')
  @Audited('care-flow-definition.created', 'care-flow-definition')
  createCareFlowDefinition(
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Body() definition: CareFlowDefinitionInputV1,
  ) {
    return this.bus.request('careflows.definition.create.v1', { hospitalId, definition });
  }

  @Post(':hospitalId/users')
  @Audited('user.created', 'user')
  @ApiOperation({ summary: 'Create a clinical user (physicians carry a physicianCode)' })
  createUser(@Param('hospitalId', ResourceIdPipe) hospitalId: string, @Body() user: AdminUserInputV1) {
    // A password is hashed with scrypt (N = 2^17 by default, PASSWORD_SCRYPT_LOG2N): slow on purpose.
    return this.bus.request(
      'users.user.create.v1',
      { hospitalId, user },
      { timeoutMs: PASSWORD_HASHING_TIMEOUT_MS },
    );
  }
}
