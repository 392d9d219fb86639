import { Injectable } from '@nestjs/common';
import type { ApiClientCreatedV1, CreateApiClientRequestV1 } from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { ApiClientsService } from './api-clients.service';

@Injectable()
export class ApiClientsHandler {
  constructor(private readonly clients: ApiClientsService) {}

  @RpcHandler('tenancy.api-client.create.v1')
  create(request: CreateApiClientRequestV1): Promise<ApiClientCreatedV1> {
    return this.clients.create(request.hospitalId, request.client);
  }
}
