import type { Rpc, RequestClasses } from '../common/rpc';
import {
  CheckSessionRequestV1,
  EndSessionRequestV1,
  CreateUserRequestV1,
  DeactivateUserRequestV1,
  ExchangeLoginTokenRequestV1,
  FindUsersRequestV1,
  GetUserRequestV1,
  IssueLoginTokenRequestV1,
  ListPhysiciansRequestV1,
  ListUserAuditRequestV1,
  PasswordLoginRequestV1,
  ProvisionUserRequestV1,
  ResolvePhysicianRequestV1,
  GetScimGroupRolesRequestV1,
  ReplaceScimGroupRolesRequestV1,
  ScimCreateGroupRequestV1,
  ScimDeleteGroupRequestV1,
  ScimGetGroupRequestV1,
  ScimListGroupsRequestV1,
  ScimPatchGroupRequestV1,
  ScimReplaceGroupRequestV1,
  ScimCreateUserRequestV1,
  ScimDeleteUserRequestV1,
  ScimDiscoveryRequestV1,
  ScimGetUserRequestV1,
  ScimListUsersRequestV1,
  ScimPatchUserRequestV1,
  ScimReplaceUserRequestV1,
  UpdateUserRequestV1,
  type AuditEntryV1,
  type LoginTokenV1,
  type ProvisionedUserV1,
  type ScimDocumentV1,
  type ScimGroupRolesV1,
  type ScimGroupV1,
  type ScimListResponseV1,
  type ScimUserV1,
  type SessionCheckV1,
  type SessionV1,
  type UserViewV1,
} from './users.rpc.v1';

export interface UsersRpc {
  'users.user.create.v1': Rpc<CreateUserRequestV1, UserViewV1>;
  'users.physician.list.v1': Rpc<ListPhysiciansRequestV1, UserViewV1[]>;
  'users.physician.resolve.v1': Rpc<ResolvePhysicianRequestV1, UserViewV1>;
  'users.user.provision.v1': Rpc<ProvisionUserRequestV1, ProvisionedUserV1>;
  'users.user.find.v1': Rpc<FindUsersRequestV1, UserViewV1[]>;
  'users.user.get.v1': Rpc<GetUserRequestV1, UserViewV1>;
  'users.user.update.v1': Rpc<UpdateUserRequestV1, UserViewV1>;
  'users.user.deactivate.v1': Rpc<DeactivateUserRequestV1, UserViewV1>;
  'users.audit.list.v1': Rpc<ListUserAuditRequestV1, AuditEntryV1[]>;
  'users.login-token.issue.v1': Rpc<IssueLoginTokenRequestV1, LoginTokenV1>;
  'users.session.exchange.v1': Rpc<ExchangeLoginTokenRequestV1, SessionV1>;
  'users.session.login.v1': Rpc<PasswordLoginRequestV1, SessionV1>;
  'users.session.check.v1': Rpc<CheckSessionRequestV1, SessionCheckV1>;
  'users.session.end.v1': Rpc<EndSessionRequestV1, null>;
  'users.scim.list.v1': Rpc<ScimListUsersRequestV1, ScimListResponseV1<ScimUserV1>>;
  'users.scim.get.v1': Rpc<ScimGetUserRequestV1, ScimUserV1>;
  'users.scim.create.v1': Rpc<ScimCreateUserRequestV1, ScimUserV1>;
  'users.scim.replace.v1': Rpc<ScimReplaceUserRequestV1, ScimUserV1>;
  'users.scim.patch.v1': Rpc<ScimPatchUserRequestV1, ScimUserV1>;
  'users.scim.delete.v1': Rpc<ScimDeleteUserRequestV1, null>;
  'users.scim.discovery.v1': Rpc<ScimDiscoveryRequestV1, ScimDocumentV1>;
  'users.scim-group.list.v1': Rpc<ScimListGroupsRequestV1, ScimListResponseV1<ScimGroupV1>>;
  'users.scim-group.get.v1': Rpc<ScimGetGroupRequestV1, ScimGroupV1>;
  'users.scim-group.create.v1': Rpc<ScimCreateGroupRequestV1, ScimGroupV1>;
  'users.scim-group.replace.v1': Rpc<ScimReplaceGroupRequestV1, ScimGroupV1>;
  'users.scim-group.patch.v1': Rpc<ScimPatchGroupRequestV1, ScimGroupV1>;
  'users.scim-group.delete.v1': Rpc<ScimDeleteGroupRequestV1, null>;
  'users.scim-group-roles.replace.v1': Rpc<ReplaceScimGroupRolesRequestV1, ScimGroupRolesV1>;
  /** The mapping as stored (usersUpdated 0), sorted by group then role. */
  'users.scim-group-roles.get.v1': Rpc<GetScimGroupRolesRequestV1, ScimGroupRolesV1>;
}

export const USERS_RPC_CLASSES: RequestClasses<UsersRpc> = {
  'users.user.create.v1': CreateUserRequestV1,
  'users.physician.list.v1': ListPhysiciansRequestV1,
  'users.physician.resolve.v1': ResolvePhysicianRequestV1,
  'users.user.provision.v1': ProvisionUserRequestV1,
  'users.user.find.v1': FindUsersRequestV1,
  'users.user.get.v1': GetUserRequestV1,
  'users.user.update.v1': UpdateUserRequestV1,
  'users.user.deactivate.v1': DeactivateUserRequestV1,
  'users.audit.list.v1': ListUserAuditRequestV1,
  'users.login-token.issue.v1': IssueLoginTokenRequestV1,
  'users.session.exchange.v1': ExchangeLoginTokenRequestV1,
  'users.session.login.v1': PasswordLoginRequestV1,
  'users.session.check.v1': CheckSessionRequestV1,
  'users.session.end.v1': EndSessionRequestV1,
  'users.scim.list.v1': ScimListUsersRequestV1,
  'users.scim.get.v1': ScimGetUserRequestV1,
  'users.scim.create.v1': ScimCreateUserRequestV1,
  'users.scim.replace.v1': ScimReplaceUserRequestV1,
  'users.scim.patch.v1': ScimPatchUserRequestV1,
  'users.scim.delete.v1': ScimDeleteUserRequestV1,
  'users.scim.discovery.v1': ScimDiscoveryRequestV1,
  'users.scim-group.list.v1': ScimListGroupsRequestV1,
  'users.scim-group.get.v1': ScimGetGroupRequestV1,
  'users.scim-group.create.v1': ScimCreateGroupRequestV1,
  'users.scim-group.replace.v1': ScimReplaceGroupRequestV1,
  'users.scim-group.patch.v1': ScimPatchGroupRequestV1,
  'users.scim-group.delete.v1': ScimDeleteGroupRequestV1,
  'users.scim-group-roles.replace.v1': ReplaceScimGroupRolesRequestV1,
  'users.scim-group-roles.get.v1': GetScimGroupRolesRequestV1,
};
