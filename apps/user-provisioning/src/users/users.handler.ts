import { Injectable } from '@nestjs/common';
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
import { RpcHandler } from '@bridge/messaging';
import { UsersService } from './users.service';

@Injectable()
export class UsersHandler {
  constructor(private readonly users: UsersService) {}

  @RpcHandler('users.user.create.v1')
  create(request: CreateUserRequestV1): Promise<UserViewV1> {
    return this.users.create(request.hospitalId, request.user, request.actor);
  }

  @RpcHandler('users.user.provision.v1')
  provision(request: ProvisionUserRequestV1): Promise<ProvisionedUserV1> {
    return this.users.provision(request.hospitalId, request.actor, request.user);
  }

  @RpcHandler('users.user.find.v1')
  find(request: FindUsersRequestV1): Promise<UserViewV1[]> {
    return this.users.find(request.hospitalId, { email: request.email });
  }

  @RpcHandler('users.user.get.v1')
  get(request: GetUserRequestV1): Promise<UserViewV1> {
    return this.users.get(request.hospitalId, request.userId);
  }

  @RpcHandler('users.user.update.v1')
  update(request: UpdateUserRequestV1): Promise<UserViewV1> {
    return this.users.update(request.hospitalId, request.actor, request.userId, request.patch);
  }

  @RpcHandler('users.user.deactivate.v1')
  deactivate(request: DeactivateUserRequestV1): Promise<UserViewV1> {
    return this.users.deactivate(request.hospitalId, request.actor, request.userId);
  }

  @RpcHandler('users.audit.list.v1')
  audit(request: ListUserAuditRequestV1): Promise<AuditEntryV1[]> {
    return this.users.auditOf(request.hospitalId, request.userId);
  }

  @RpcHandler('users.physician.list.v1')
  listPhysicians(request: ListPhysiciansRequestV1): Promise<UserViewV1[]> {
    return this.users.listPhysicians(request.hospitalId);
  }

  @RpcHandler('users.physician.resolve.v1')
  resolvePhysician(request: ResolvePhysicianRequestV1): Promise<UserViewV1> {
    return this.users.resolvePhysician(request.hospitalId, request);
  }
}
