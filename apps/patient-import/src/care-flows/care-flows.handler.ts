import { Injectable } from '@nestjs/common';
import type {
  CareFlowResultV1,
  StartCareFlowRequestV1,
  StopCareFlowRequestV1,
  UpdateBaselineRequestV1,
} from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { CareFlowsService } from './care-flows.service';

@Injectable()
export class CareFlowsHandler {
  constructor(private readonly careFlows: CareFlowsService) {}

  @RpcHandler('careflows.start.v1')
  start(request: StartCareFlowRequestV1): Promise<CareFlowResultV1> {
    return this.careFlows.start(request.hospitalId, request.patientId, request.careFlow, request.idempotencyKey);
  }

  @RpcHandler('careflows.baseline.update.v1')
  updateBaseline(request: UpdateBaselineRequestV1): Promise<CareFlowResultV1> {
    return this.careFlows.updateBaseline(request.hospitalId, request.careFlowId, request.baseline);
  }

  @RpcHandler('careflows.stop.v1')
  stop(request: StopCareFlowRequestV1): Promise<CareFlowResultV1> {
    return this.careFlows.stop(request.hospitalId, request.careFlowId, request.reason);
  }
}
