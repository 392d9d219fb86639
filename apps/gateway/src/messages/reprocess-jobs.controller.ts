import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes, ScopesGuard } from '@bridge/auth';
import { StartReprocessJobRequestV1 } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { Audited, field } from '../audit/audited';

/** Bulk reprocess from the message log: a background job per filter, with progress. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin')
export class ReprocessJobsController {
  constructor(private readonly bus: Bus) {}

  @Post('messages/reprocess')
  @HttpCode(202)
  @Audited('reprocess-job.started', 'reprocess-job', field('jobId'))
  @ApiOperation({
    summary:
      'Replay every failed SIU message matching the filter, in the background: 202 {jobId}; the same filter while its job runs answers that job',
  })
  start(@Body() request: StartReprocessJobRequestV1) {
    return this.bus.request('siu.reprocess-job.start.v1', request);
  }

  @Get('jobs/:jobId')
  @ApiOperation({ summary: 'A job: {state, total, done, failed}' })
  get(@Param('jobId', ResourceIdPipe) jobId: string) {
    return this.bus.request('siu.reprocess-job.get.v1', { jobId });
  }
}
