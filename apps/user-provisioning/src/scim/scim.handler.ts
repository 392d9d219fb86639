import { Controller } from '@nestjs/common';
import type {
  ScimCreateUserRequestV1,
  ScimDeleteUserRequestV1,
  ScimDiscoveryRequestV1,
  ScimDocumentV1,
  ScimGetUserRequestV1,
  ScimListResponseV1,
  ScimListUsersRequestV1,
  ScimPatchUserRequestV1,
  ScimReplaceUserRequestV1,
  ScimUserV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { scimDiscovery } from './scim-discovery';
import { ScimService } from './scim.service';

@Controller()
export class ScimHandler {
  constructor(private readonly scim: ScimService) {}

  @MessagePattern('users.scim.list.v1')
  list(@Payload() request: ScimListUsersRequestV1): Promise<ScimListResponseV1<ScimUserV1>> {
    return this.scim.list(request.hospitalId, request.baseUrl, request);
  }

  @MessagePattern('users.scim.get.v1')
  get(@Payload() request: ScimGetUserRequestV1): Promise<ScimUserV1> {
    return this.scim.get(request.hospitalId, request.baseUrl, request.userId);
  }

  @MessagePattern('users.scim.create.v1')
  create(@Payload() request: ScimCreateUserRequestV1): Promise<ScimUserV1> {
    return this.scim.create(request.hospitalId, request.actor, request.baseUrl, request.resource);
  }

  @MessagePattern('users.scim.replace.v1')
  replace(@Payload() request: ScimReplaceUserRequestV1): Promise<ScimUserV1> {
    return this.scim.replace(
      request.hospitalId,
      request.actor,
      request.baseUrl,
      request.userId,
      request.resource,
    );
  }

  @MessagePattern('users.scim.patch.v1')
  patch(@Payload() request: ScimPatchUserRequestV1): Promise<ScimUserV1> {
    return this.scim.patch(request.hospitalId, request.actor, request.baseUrl, request.userId, request.patch);
  }

  @MessagePattern('users.scim.delete.v1')
  delete(@Payload() request: ScimDeleteUserRequestV1): Promise<null> {
    return this.scim.delete(request.hospitalId, request.actor, request.userId);
  }

  @MessagePattern('users.scim.discovery.v1')
  discovery(@Payload() request: ScimDiscoveryRequestV1): ScimDocumentV1 {
    return scimDiscovery(request);
  }
}
