import { Injectable } from '@nestjs/common';
import type { QueryDemographicsRequestV1, QueryDemographicsResultV1 } from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { QueriesService } from './queries.service';

@Injectable()
export class QueriesHandler {
  constructor(private readonly queries: QueriesService) {}

  @RpcHandler('hl7.demographics.query.v1')
  query(request: QueryDemographicsRequestV1): Promise<QueryDemographicsResultV1> {
    return this.queries.query({ hospitalId: request.hospitalId, by: request.by, value: request.value });
  }
}
