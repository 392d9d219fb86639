import { Controller } from '@nestjs/common';
import type {
  CareFlowResultV1,
  StartCareFlowRequestV1,
  StopCareFlowRequestV1,
  UpdateBaselineRequestV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CareFlowsService } from './care-flows.service';

@Controller()
export class CareFlowsHandler {
  constructor(private readonly careFlows: CareFlowsService) {}

  @MessagePattern('careflows.start.v1')
  start(@Payload() request: StartCareFlowRequestV1): Promise<CareFlowResultV1> {
    return this.careFlows.start(
      request.hospitalId,
      request.patientId,
      request.careFlow,
      request.idempotencyKey,
    );
  }

  @MessagePattern('careflows.baseline.update.v1')
  updateBaseline(@Payload() request: UpdateBaselineRequestV1): Promise<CareFlowResultV1> {
    return this.careFlows.updateBaseline(request.hospitalId, request.careFlowId, request.baseline);
  }

  @MessagePattern('careflows.stop.v1')
  stop(@Payload() request: StopCareFlowRequestV1): Promise<CareFlowResultV1> {
    return this.careFlows.stop(request.hospitalId, request.careFlowId, request.reason);
  }
}
