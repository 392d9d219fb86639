import { Controller } from '@nestjs/common';
import type {
  GetScimGroupRolesRequestV1,
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
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ScimGroupsService } from './scim-groups.service';

@Controller()
export class ScimGroupsHandler {
  constructor(private readonly groups: ScimGroupsService) {}

  @MessagePattern('users.scim-group.list.v1')
  list(@Payload() request: ScimListGroupsRequestV1): Promise<ScimListResponseV1<ScimGroupV1>> {
    return this.groups.list(request.hospitalId, request.baseUrl, request);
  }

  @MessagePattern('users.scim-group.get.v1')
  get(@Payload() request: ScimGetGroupRequestV1): Promise<ScimGroupV1> {
    return this.groups.get(request.hospitalId, request.baseUrl, request.groupId, request.excludedAttributes);
  }

  @MessagePattern('users.scim-group.create.v1')
  create(@Payload() request: ScimCreateGroupRequestV1): Promise<ScimGroupV1> {
    return this.groups.create(request.hospitalId, request.actor, request.baseUrl, request.resource);
  }

  @MessagePattern('users.scim-group.replace.v1')
  replace(@Payload() request: ScimReplaceGroupRequestV1): Promise<ScimGroupV1> {
    return this.groups.replace(
      request.hospitalId,
      request.actor,
      request.baseUrl,
      request.groupId,
      request.resource,
    );
  }

  @MessagePattern('users.scim-group.patch.v1')
  patch(@Payload() request: ScimPatchGroupRequestV1): Promise<ScimGroupV1> {
    return this.groups.patch(
      request.hospitalId,
      request.actor,
      request.baseUrl,
      request.groupId,
      request.patch,
    );
  }

  @MessagePattern('users.scim-group.delete.v1')
  delete(@Payload() request: ScimDeleteGroupRequestV1): Promise<null> {
    return this.groups.delete(request.hospitalId, request.actor, request.groupId);
  }

  @MessagePattern('users.scim-group-roles.get.v1')
  roles(@Payload() request: GetScimGroupRolesRequestV1): Promise<ScimGroupRolesV1> {
    return this.groups.roleMappings(request.hospitalId);
  }

  @MessagePattern('users.scim-group-roles.replace.v1')
  replaceRoles(@Payload() request: ReplaceScimGroupRolesRequestV1): Promise<ScimGroupRolesV1> {
    return this.groups.replaceRoleMappings(request.hospitalId, request.actor, request.mappings);
  }
}
