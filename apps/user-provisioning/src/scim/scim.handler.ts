import { Injectable } from '@nestjs/common';
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
import { RpcHandler } from '@bridge/messaging';
import { scimDiscovery } from './scim-discovery';
import { ScimService } from './scim.service';

@Injectable()
export class ScimHandler {
  constructor(private readonly scim: ScimService) {}

  @RpcHandler('users.scim.list.v1')
  list(request: ScimListUsersRequestV1): Promise<ScimListResponseV1<ScimUserV1>> {
    return this.scim.list(request.hospitalId, request.baseUrl, request);
  }

  @RpcHandler('users.scim.get.v1')
  get(request: ScimGetUserRequestV1): Promise<ScimUserV1> {
    return this.scim.get(request.hospitalId, request.baseUrl, request.userId);
  }

  @RpcHandler('users.scim.create.v1')
  create(request: ScimCreateUserRequestV1): Promise<ScimUserV1> {
    return this.scim.create(request.hospitalId, request.actor, request.baseUrl, request.resource);
  }

  @RpcHandler('users.scim.replace.v1')
  replace(request: ScimReplaceUserRequestV1): Promise<ScimUserV1> {
    return this.scim.replace(
      request.hospitalId,
      request.actor,
      request.baseUrl,
      request.userId,
      request.resource,
    );
  }

  @RpcHandler('users.scim.patch.v1')
  patch(request: ScimPatchUserRequestV1): Promise<ScimUserV1> {
    return this.scim.patch(request.hospitalId, request.actor, request.baseUrl, request.userId, request.patch);
  }

  @RpcHandler('users.scim.delete.v1')
  delete(request: ScimDeleteUserRequestV1): Promise<null> {
    return this.scim.delete(request.hospitalId, request.actor, request.userId);
  }

  @RpcHandler('users.scim.discovery.v1')
  discovery(request: ScimDiscoveryRequestV1): ScimDocumentV1 {
    return scimDiscovery(request);
  }
}
