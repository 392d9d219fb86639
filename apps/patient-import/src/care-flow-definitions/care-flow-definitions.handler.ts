import { Injectable } from '@nestjs/common';
import type {
  CareFlowDefinitionViewV1,
  CreateCareFlowDefinitionRequestV1,
  ListCareFlowDefinitionsRequestV1,
} from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { CareFlowDefinitionsService } from './care-flow-definitions.service';

@Injectable()
export class CareFlowDefinitionsHandler {
  constructor(private readonly definitions: CareFlowDefinitionsService) {}

  @RpcHandler('careflows.definition.create.v1')
  create(request: CreateCareFlowDefinitionRequestV1): Promise<CareFlowDefinitionViewV1> {
    return this.definitions.create(request.hospitalId, request.definition);
  }

  @RpcHandler('careflows.definition.list.v1')
  list(request: ListCareFlowDefinitionsRequestV1): Promise<CareFlowDefinitionViewV1[]> {
    return this.definitions.list(request.hospitalId);
  }
}
