import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, tenantOf } from '@bridge/auth';
import { HospitalViewV1, type Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';

/** The caller's own hospital (any hospital token, no scope needed): the Care app reads its name and zone. */
@ApiTags('patients')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'))
@Controller('v1/hospital')
export class OwnHospitalController {
  constructor(private readonly bus: Bus) {}

  @Get()
  @ApiOperation({ summary: "The caller's hospital: key, name and time zone" })
  @ApiOkResponse({ type: HospitalViewV1 })
  get(@CurrentPrincipal() principal: Principal) {
    return this.bus.request('tenancy.hospital.get.v1', { hospitalId: tenantOf(principal) });
  }
}
