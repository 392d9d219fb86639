import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type {
  GetRetentionRequestV1,
  PutRetentionRequestV1,
  RetentionPolicyV1,
  RetentionViewV1,
} from '@bridge/contracts';
import { RetentionService } from './retention.service';

@Controller()
export class RetentionHandler {
  constructor(private readonly retention: RetentionService) {}

  @MessagePattern('tenancy.retention.put.v1')
  put(@Payload() request: PutRetentionRequestV1): Promise<RetentionViewV1> {
    return this.retention.put(request.hospitalId, request.retention, { dryRun: request.dryRun });
  }

  @MessagePattern('tenancy.retention.get.v1')
  get(@Payload() request: GetRetentionRequestV1): Promise<RetentionViewV1> {
    return this.retention.get(request.hospitalId);
  }

  @MessagePattern('tenancy.retention.list.v1')
  list(): Promise<RetentionPolicyV1> {
    return this.retention.policy();
  }
}
