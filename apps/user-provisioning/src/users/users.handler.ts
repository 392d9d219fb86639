import { Controller } from '@nestjs/common';
import type {
  AuditEntryV1,
  CreateUserRequestV1,
  DeactivateUserRequestV1,
  FindUsersRequestV1,
  GetUserRequestV1,
  ListPhysiciansRequestV1,
  ListUserAuditRequestV1,
  ProvisionedUserV1,
  ProvisionUserRequestV1,
  ResolvePhysicianRequestV1,
  UpdateUserRequestV1,
  UserViewV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { UsersService } from './users.service';

@Controller()
export class UsersHandler {
  constructor(private readonly users: UsersService) {}

  @MessagePattern('users.user.create.v1')
  create(@Payload() request: CreateUserRequestV1): Promise<UserViewV1> {
    return this.users.create(request.hospitalId, request.user, request.actor);
  }

  @MessagePattern('users.user.provision.v1')
  provision(@Payload() request: ProvisionUserRequestV1): Promise<ProvisionedUserV1> {
    return this.users.provision(request.hospitalId, request.actor, request.user);
  }

  @MessagePattern('users.user.find.v1')
  find(@Payload() request: FindUsersRequestV1): Promise<UserViewV1[]> {
    return this.users.find(request.hospitalId, { email: request.email });
  }

  @MessagePattern('users.user.get.v1')
  get(@Payload() request: GetUserRequestV1): Promise<UserViewV1> {
    return this.users.get(request.hospitalId, request.userId);
  }

  @MessagePattern('users.user.update.v1')
  update(@Payload() request: UpdateUserRequestV1): Promise<UserViewV1> {
    return this.users.update(request.hospitalId, request.actor, request.userId, request.patch);
  }

  @MessagePattern('users.user.deactivate.v1')
  deactivate(@Payload() request: DeactivateUserRequestV1): Promise<UserViewV1> {
    return this.users.deactivate(request.hospitalId, request.actor, request.userId);
  }

  @MessagePattern('users.audit.list.v1')
  audit(@Payload() request: ListUserAuditRequestV1): Promise<AuditEntryV1[]> {
    return this.users.auditOf(request.hospitalId, request.userId);
  }

  @MessagePattern('users.physician.list.v1')
  listPhysicians(@Payload() request: ListPhysiciansRequestV1): Promise<UserViewV1[]> {
    return this.users.listPhysicians(request.hospitalId);
  }

  @MessagePattern('users.physician.resolve.v1')
  resolvePhysician(@Payload() request: ResolvePhysicianRequestV1): Promise<UserViewV1> {
    return this.users.resolvePhysician(request.hospitalId, request);
  }
}
