import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireScopes, ScopesGuard } from '@bridge/auth';
import { DomainError } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { Audited } from '../audit/audited';

/** SIU runs of a hospital: run now, and the run reports (live counts while running). */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/hospitals/:hospitalId/siu-runs')
export class SiuRunsController {
  constructor(private readonly bus: Bus) {}

  @Post()
  @Audited('siu-run.started', 'siu-run')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Run now: 202 with the running run; 409 SIU_RUN_IN_PROGRESS while one runs, SIU_NOT_CONFIGURED without connection',
  })
  start(@Param('hospitalId', ResourceIdPipe) hospitalId: string) {
    return this.bus.request('siu.run.start.v1', { hospitalId });
  }

  @Get()
  @ApiOperation({ summary: 'The latest runs, newest first' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  })
  list(@Param('hospitalId', ResourceIdPipe) hospitalId: string, @Query('limit') limit?: string) {
    return this.bus.request('siu.run.list.v1', {
      hospitalId,
      ...(limit !== undefined ? { limit: limitOf(limit) } : {}),
    });
  }

  @Get(':runId')
  @ApiOperation({ summary: 'One run: counts and per-message failures' })
  get(
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Param('runId', ResourceIdPipe) runId: string,
  ) {
    return this.bus.request('siu.run.get.v1', { hospitalId, runId });
  }
}

function limitOf(value: string): number {
  if (!/^\d{1,3}$/.test(value)) {
    throw new DomainError('VALIDATION_FAILED', 'limit must be a whole number from 1 to 100.', {
      errors: [{ field: 'limit', message: 'limit must be a whole number from 1 to 100' }],
    });
  }
  return Number(value);
}
