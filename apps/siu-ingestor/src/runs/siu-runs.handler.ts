import { Controller } from '@nestjs/common';
import type {
  GetSiuRunRequestV1,
  ListSiuRunsRequestV1,
  SiuRunV1,
  StartSiuRunRequestV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { SiuRunsService } from './siu-runs.service';

@Controller()
export class SiuRunsHandler {
  constructor(private readonly runs: SiuRunsService) {}

  @MessagePattern('siu.run.start.v1')
  start(@Payload() request: StartSiuRunRequestV1): Promise<SiuRunV1> {
    return this.runs.runNow(request.hospitalId);
  }

  @MessagePattern('siu.run.list.v1')
  list(@Payload() request: ListSiuRunsRequestV1): Promise<SiuRunV1[]> {
    return this.runs.list(request.hospitalId, request.limit);
  }

  @MessagePattern('siu.run.get.v1')
  get(@Payload() request: GetSiuRunRequestV1): Promise<SiuRunV1> {
    return this.runs.get(request.hospitalId, request.runId);
  }
}
