import { Controller, Inject } from '@nestjs/common';
import type {
  ApiClientCreatedV1,
  ApiClientRefV1,
  ApiClientViewV1,
  ClientStatusRequestV1,
  ClientStatusV1,
  CreateApiClientRequestV1,
  ListApiClientsRequestV1,
  RotateApiClientSecretRequestV1,
  RotatedSecretV1,
  UpdateApiClientRequestV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { USER_PROVISIONING_CONFIG, type UserProvisioningConfig } from '../user-provisioning.config';
import { ApiClientsService } from './api-clients.service';

@Controller()
export class ApiClientsHandler {
  constructor(
    private readonly clients: ApiClientsService,
    @Inject(USER_PROVISIONING_CONFIG) private readonly config: UserProvisioningConfig,
  ) {}

  @MessagePattern('tenancy.api-client.create.v1')
  create(@Payload() request: CreateApiClientRequestV1): Promise<ApiClientCreatedV1> {
    return this.clients.create(request.hospitalId, request.client);
  }

  @MessagePattern('auth.api-client.list.v1')
  list(@Payload() request: ListApiClientsRequestV1): Promise<ApiClientViewV1[]> {
    return this.clients.list(request.hospitalId);
  }

  @MessagePattern('tenancy.api-client.update.v1')
  update(@Payload() request: UpdateApiClientRequestV1): Promise<ApiClientViewV1> {
    return this.clients.update(request.hospitalId, request.clientId, request.patch);
  }

  @MessagePattern('auth.api-client.rotate-secret.v1')
  rotateSecret(@Payload() request: RotateApiClientSecretRequestV1): Promise<RotatedSecretV1> {
    return this.clients.rotateSecret(
      request.hospitalId,
      request.clientId,
      request.previousSecretValidForSeconds,
    );
  }

  @MessagePattern('auth.api-client.deactivate.v1')
  async deactivate(@Payload() request: ApiClientRefV1): Promise<null> {
    await this.clients.deactivate(request.hospitalId, request.clientId);
    return null;
  }

  /** Asked by the gateways (cached) for every client token: the platform-admin client is configured, never stored. */
  @MessagePattern('auth.client.status.v1')
  async status(@Payload() request: ClientStatusRequestV1): Promise<ClientStatusV1> {
    if (request.clientId === this.config.ADMIN_CLIENT_ID) return { active: true };
    return { active: await this.clients.isActive(request.clientId) };
  }
}
