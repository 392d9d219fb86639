import type { Rpc, RequestClasses } from '../common/rpc';
import {
  CreateUserRequestV1,
  ListPhysiciansRequestV1,
  ResolvePhysicianRequestV1,
  type UserViewV1,
} from './users.rpc.v1';

export interface UsersRpc {
  'users.user.create.v1': Rpc<CreateUserRequestV1, UserViewV1>;
  'users.physician.list.v1': Rpc<ListPhysiciansRequestV1, UserViewV1[]>;
  'users.physician.resolve.v1': Rpc<ResolvePhysicianRequestV1, UserViewV1>;
}

export const USERS_RPC_CLASSES: RequestClasses<UsersRpc> = {
  'users.user.create.v1': CreateUserRequestV1,
  'users.physician.list.v1': ListPhysiciansRequestV1,
  'users.physician.resolve.v1': ResolvePhysicianRequestV1,
};
