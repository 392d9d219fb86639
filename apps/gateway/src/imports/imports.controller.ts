import { Body, Controller, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, ScopesGuard, tenantOf } from '@bridge/auth';
import { ImportConfirmInputV1, ImportLookupInputV1, type Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { FastifyReply } from 'fastify';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { Audited } from '../audit/audited';

/**
 * Longer than any hospital wait behind a lookup (an HL7 query is given 30 s by patient-import), so the
 * caller gets the hospital's own timeout problem, not a bus timeout.
 */
const LOOKUP_TIMEOUT_MS = 35_000;

/** Pull import: look a patient up at the hospital, then confirm one candidate. */
@ApiTags('imports')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('imports')
@Controller('v1/imports')
export class ImportsController {
  constructor(private readonly bus: Bus) {}

  /**
   * Not @Audited: patient-import puts the lookup on the trail itself (`auditActor`), in the statement that
   * stores the session, so no second round trip waits before the answer (docs/architecture.md "Audit trail").
   */
  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Ask the hospital for a patient by patientCode or visitNumber (404 not found, 502 hospital error with hospitalError, ' +
      '504 timeout, 409 no import source)',
  })
  lookup(@CurrentPrincipal() principal: Principal, @Body() lookup: ImportLookupInputV1) {
    return this.bus.request(
      'imports.lookup.v1',
      {
        hospitalId: tenantOf(principal),
        lookup,
        requestedBy: `${principal.kind}:${principal.subject}`,
        auditActor: { kind: principal.kind, id: principal.subject },
      },
      { timeoutMs: LOOKUP_TIMEOUT_MS },
    );
  }

  @Post(':importId/confirm')
  @Audited('import.confirm', 'patient')
  @ApiOperation({
    summary: 'Save a candidate as a patient (201 created, 200 updated); 410 expired, 409 already confirmed',
  })
  async confirm(
    @CurrentPrincipal() principal: Principal,
    @Param('importId', ResourceIdPipe) importId: string,
    @Body() confirm: ImportConfirmInputV1,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.bus.request('imports.confirm.v1', {
      hospitalId: tenantOf(principal),
      importId,
      confirm,
    });
    void reply.status(result.created ? 201 : 200);
    return result.patient;
  }
}
