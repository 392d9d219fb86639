import { Controller } from '@nestjs/common';
import type { QueryDemographicsRequestV1, QueryDemographicsResultV1 } from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { QueriesService } from './queries.service';

@Controller()
export class QueriesHandler {
  constructor(private readonly queries: QueriesService) {}

  @MessagePattern('hl7.demographics.query.v1')
  query(@Payload() request: QueryDemographicsRequestV1): Promise<QueryDemographicsResultV1> {
    return this.queries.query({ hospitalId: request.hospitalId, by: request.by, value: request.value });
  }
}
