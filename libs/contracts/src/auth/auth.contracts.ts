import type { Rpc, RequestClasses } from '../common/rpc';
import { AuthenticateClientRequestV1, type AccessTokenV1 } from './auth.rpc.v1';
import {
  ApiClientRefV1,
  CheckScimTokenRequestV1,
  ClientStatusRequestV1,
  CreateScimTokenRequestV1,
  ListApiClientsRequestV1,
  ListScimTokensRequestV1,
  ListSigningKeysRequestV1,
  RevokeScimTokenRequestV1,
  RotateApiClientSecretRequestV1,
  RotateSigningKeyRequestV1,
  type ApiClientViewV1,
  type ClientStatusV1,
  type RotatedSecretV1,
  type ScimTokenCheckV1,
  type ScimTokenCreatedV1,
  type ScimTokenViewV1,
  type SigningKeysV1,
} from './credentials.rpc.v1';

export interface AuthRpc {
  'auth.client.authenticate.v1': Rpc<AuthenticateClientRequestV1, AccessTokenV1>;
  'auth.client.status.v1': Rpc<ClientStatusRequestV1, ClientStatusV1>;
  'auth.api-client.list.v1': Rpc<ListApiClientsRequestV1, ApiClientViewV1[]>;
  'auth.api-client.rotate-secret.v1': Rpc<RotateApiClientSecretRequestV1, RotatedSecretV1>;
  'auth.api-client.deactivate.v1': Rpc<ApiClientRefV1, null>;
  'auth.signing-keys.list.v1': Rpc<ListSigningKeysRequestV1, SigningKeysV1>;
  'auth.signing-keys.rotate.v1': Rpc<RotateSigningKeyRequestV1, SigningKeysV1>;
  'auth.scim-token.create.v1': Rpc<CreateScimTokenRequestV1, ScimTokenCreatedV1>;
  'auth.scim-token.list.v1': Rpc<ListScimTokensRequestV1, ScimTokenViewV1[]>;
  'auth.scim-token.revoke.v1': Rpc<RevokeScimTokenRequestV1, null>;
  'auth.scim-token.check.v1': Rpc<CheckScimTokenRequestV1, ScimTokenCheckV1>;
}

export const AUTH_RPC_CLASSES: RequestClasses<AuthRpc> = {
  'auth.client.authenticate.v1': AuthenticateClientRequestV1,
  'auth.client.status.v1': ClientStatusRequestV1,
  'auth.api-client.list.v1': ListApiClientsRequestV1,
  'auth.api-client.rotate-secret.v1': RotateApiClientSecretRequestV1,
  'auth.api-client.deactivate.v1': ApiClientRefV1,
  'auth.signing-keys.list.v1': ListSigningKeysRequestV1,
  'auth.signing-keys.rotate.v1': RotateSigningKeyRequestV1,
  'auth.scim-token.create.v1': CreateScimTokenRequestV1,
  'auth.scim-token.list.v1': ListScimTokensRequestV1,
  'auth.scim-token.revoke.v1': RevokeScimTokenRequestV1,
  'auth.scim-token.check.v1': CheckScimTokenRequestV1,
};
