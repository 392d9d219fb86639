import { Controller } from '@nestjs/common';
import type {
  CareFlowDefinitionViewV1,
  CreateCareFlowDefinitionRequestV1,
  ListCareFlowDefinitionsRequestV1,
  UpdateCareFlowDefinitionRequestV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CareFlowDefinitionsService } from './care-flow-definitions.service';

@Controller()
export class CareFlowDefinitionsHandler {
  constructor(private readonly definitions: CareFlowDefinitionsService) {}

  @MessagePattern('careflows.definition.create.v1')
  create(@Payload() request: CreateCareFlowDefinitionRequestV1): Promise<CareFlowDefinitionViewV1> {
    return this.definitions.create(request.hospitalId, request.definition);
  }

  @MessagePattern('careflows.definition.list.v1')
  list(@Payload() request: ListCareFlowDefinitionsRequestV1): Promise<CareFlowDefinitionViewV1[]> {
    return this.definitions.list(request.hospitalId, request.includeInactive === true);
  }

  @MessagePattern('careflows.definition.update.v1')
  update(@Payload() request: UpdateCareFlowDefinitionRequestV1): Promise<CareFlowDefinitionViewV1> {
    return this.definitions.update(request.hospitalId, request.key, request.patch);
  }
}
