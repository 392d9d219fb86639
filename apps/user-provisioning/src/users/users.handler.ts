import { Injectable } from '@nestjs/common';
import type {
  CreateUserRequestV1,
  ListPhysiciansRequestV1,
  ResolvePhysicianRequestV1,
  UserViewV1,
} from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { UsersService } from './users.service';

@Injectable()
export class UsersHandler {
  constructor(private readonly users: UsersService) {}

  @RpcHandler('users.user.create.v1')
  create(request: CreateUserRequestV1): Promise<UserViewV1> {
    return this.users.create(request.hospitalId, request.user);
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
