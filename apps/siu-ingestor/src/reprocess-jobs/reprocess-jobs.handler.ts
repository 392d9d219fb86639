import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { GetReprocessJobRequestV1, ReprocessJobV1, StartReprocessJobRequestV1 } from '@bridge/contracts';
import { ReprocessJobsService } from './reprocess-jobs.service';

@Controller()
export class ReprocessJobsHandler {
  constructor(private readonly jobs: ReprocessJobsService) {}

  @MessagePattern('siu.reprocess-job.start.v1')
  start(@Payload() request: StartReprocessJobRequestV1): Promise<ReprocessJobV1> {
    return this.jobs.start(request.filter);
  }

  @MessagePattern('siu.reprocess-job.get.v1')
  get(@Payload() request: GetReprocessJobRequestV1): Promise<ReprocessJobV1> {
    return this.jobs.get(request.jobId);
  }
}
