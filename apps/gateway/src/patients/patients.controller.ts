import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, ScopesGuard, tenantOf } from '@bridge/auth';
import {
  CareFlowStartInputV1,
  DomainError,
  PatientInputV1,
  PatientSearchV1,
  PatientTraceQueryV1,
  PatientsPageQueryV1,
  PatientsPageV1,
  type Principal,
} from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { FastifyReply } from 'fastify';
import { IdempotencyKey } from '../http/idempotency-key';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { decodePageCursor, encodePageCursor } from '../http/page-cursor';
import { Audited, ids, param } from '../audit/audited';

@ApiTags('patients')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@Controller('v1/patients')
export class PatientsController {
  constructor(private readonly bus: Bus) {}

  @Post()
  @RequireScopes('patients:write')
  @ApiOperation({ summary: 'Create or update a patient by patientCode (201 created, 200 updated)' })
  async upsert(
    @CurrentPrincipal() principal: Principal,
    @Body() patient: PatientInputV1,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (patient.careFlow && !principal.scopes.includes('careflows:write')) {
      throw new DomainError('INSUFFICIENT_SCOPE', 'Starting a care flow needs the scope careflows:write.');
    }
    const result = await this.bus.request('patients.upsert.v1', {
      hospitalId: tenantOf(principal),
      patient,
      source: 'api',
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
    void reply.status(result.created ? 201 : 200);
    return result.patient;
  }

  @Post('search')
  @Audited('patient.search', 'patient', ids('patients'))
  @HttpCode(200)
  @RequireScopes('patients:read', 'patients:write')
  @ApiOperation({
    summary: 'Find patients by patientCode, national registry number or identifier (PHI stays out of URLs)',
  })
  search(@CurrentPrincipal() principal: Principal, @Body() criteria: PatientSearchV1) {
    return this.bus.request('patients.search.v1', { hospitalId: tenantOf(principal), criteria });
  }

  @Get()
  @Audited('patient.list', 'patient', ids('patients'))
  @RequireScopes('patients:read', 'patients:write')
  @ApiOperation({
    summary:
      'The most recently updated patients, a page at a time (nextCursor for the next page; no PHI in the URL)',
  })
  @ApiOkResponse({ type: PatientsPageV1 })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: PatientsPageQueryV1,
  ): Promise<PatientsPageV1> {
    const after = decodePageCursor(query.cursor);
    const { next, ...page } = await this.bus.request('patients.list.v1', {
      hospitalId: tenantOf(principal),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(after ? { after } : {}),
    });
    return next ? { ...page, nextCursor: encodePageCursor(next) } : page;
  }

  @Get(':patientId')
  @Audited('patient.read', 'patient', param('patientId'))
  @RequireScopes('patients:read', 'patients:write')
  get(@CurrentPrincipal() principal: Principal, @Param('patientId', ResourceIdPipe) patientId: string) {
    return this.bus.request('patients.get.v1', { hospitalId: tenantOf(principal), patientId });
  }

  @Get(':patientId/trace')
  @Audited('patient.trace', 'patient', param('patientId'))
  @RequireScopes('patients:read', 'patients:write')
  @ApiOperation({
    summary:
      'What touched this patient, oldest first: pushes, imports, SIU messages, care-flow changes, login links (nextCursor for more)',
  })
  trace(
    @CurrentPrincipal() principal: Principal,
    @Param('patientId', ResourceIdPipe) patientId: string,
    @Query() page: PatientTraceQueryV1,
  ) {
    return this.bus.request('patients.trace.v1', { hospitalId: tenantOf(principal), patientId, ...page });
  }

  @Post(':patientId/care-flows')
  @RequireScopes('careflows:write')
  @ApiOperation({ summary: 'Start a care flow (422 when a required baseline field is missing)' })
  startCareFlow(
    @CurrentPrincipal() principal: Principal,
    @Param('patientId', ResourceIdPipe) patientId: string,
    @Body() careFlow: CareFlowStartInputV1,
    @IdempotencyKey() idempotencyKey: string | undefined,
  ) {
    return this.bus.request('careflows.start.v1', {
      hospitalId: tenantOf(principal),
      patientId,
      careFlow,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
  }
}
