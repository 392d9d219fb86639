import { Injectable } from '@nestjs/common';
import type {
  ReplaceScimGroupRolesRequestV1,
  ScimCreateGroupRequestV1,
  ScimDeleteGroupRequestV1,
  ScimGetGroupRequestV1,
  ScimGroupRolesV1,
  ScimGroupV1,
  ScimListGroupsRequestV1,
  ScimListResponseV1,
  ScimPatchGroupRequestV1,
  ScimReplaceGroupRequestV1,
} from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { ScimGroupsService } from './scim-groups.service';

@Injectable()
export class ScimGroupsHandler {
  constructor(private readonly groups: ScimGroupsService) {}

  @RpcHandler('users.scim-group.list.v1')
  list(request: ScimListGroupsRequestV1): Promise<ScimListResponseV1<ScimGroupV1>> {
    return this.groups.list(request.hospitalId, request.baseUrl, request);
  }

  @RpcHandler('users.scim-group.get.v1')
  get(request: ScimGetGroupRequestV1): Promise<ScimGroupV1> {
    return this.groups.get(request.hospitalId, request.baseUrl, request.groupId, request.excludedAttributes);
  }

  @RpcHandler('users.scim-group.create.v1')
  create(request: ScimCreateGroupRequestV1): Promise<ScimGroupV1> {
    return this.groups.create(request.hospitalId, request.actor, request.baseUrl, request.resource);
  }

  @RpcHandler('users.scim-group.replace.v1')
  replace(request: ScimReplaceGroupRequestV1): Promise<ScimGroupV1> {
    return this.groups.replace(
      request.hospitalId,
      request.actor,
      request.baseUrl,
      request.groupId,
      request.resource,
    );
  }

  @RpcHandler('users.scim-group.patch.v1')
  patch(request: ScimPatchGroupRequestV1): Promise<ScimGroupV1> {
    return this.groups.patch(
      request.hospitalId,
      request.actor,
      request.baseUrl,
      request.groupId,
      request.patch,
    );
  }

  @RpcHandler('users.scim-group.delete.v1')
  delete(request: ScimDeleteGroupRequestV1): Promise<null> {
    return this.groups.delete(request.hospitalId, request.actor, request.groupId);
  }

  @RpcHandler('users.scim-group-roles.replace.v1')
  replaceRoles(request: ReplaceScimGroupRolesRequestV1): Promise<ScimGroupRolesV1> {
    return this.groups.replaceRoleMappings(request.hospitalId, request.actor, request.mappings);
  }
}
