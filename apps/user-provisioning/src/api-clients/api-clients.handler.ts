import { Controller } from '@nestjs/common';
import type { ApiClientCreatedV1, CreateApiClientRequestV1 } from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ApiClientsService } from './api-clients.service';

@Controller()
export class ApiClientsHandler {
  constructor(private readonly clients: ApiClientsService) {}

  @MessagePattern('tenancy.api-client.create.v1')
  create(@Payload() request: CreateApiClientRequestV1): Promise<ApiClientCreatedV1> {
    return this.clients.create(request.hospitalId, request.client);
  }
}
