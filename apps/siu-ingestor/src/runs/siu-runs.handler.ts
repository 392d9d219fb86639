import { Injectable } from '@nestjs/common';
import type {
  GetSiuRunRequestV1,
  ListSiuRunsRequestV1,
  SiuRunV1,
  StartSiuRunRequestV1,
} from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { SiuRunsService } from './siu-runs.service';

@Injectable()
export class SiuRunsHandler {
  constructor(private readonly runs: SiuRunsService) {}

  @RpcHandler('siu.run.start.v1')
  start(request: StartSiuRunRequestV1): Promise<SiuRunV1> {
    return this.runs.runNow(request.hospitalId);
  }

  @RpcHandler('siu.run.list.v1')
  list(request: ListSiuRunsRequestV1): Promise<SiuRunV1[]> {
    return this.runs.list(request.hospitalId, request.limit);
  }

  @RpcHandler('siu.run.get.v1')
  get(request: GetSiuRunRequestV1): Promise<SiuRunV1> {
    return this.runs.get(request.hospitalId, request.runId);
  }
}
