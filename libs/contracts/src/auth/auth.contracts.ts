import type { Rpc, RequestClasses } from '../common/rpc';
import { AuthenticateClientRequestV1, type AccessTokenV1 } from './auth.rpc.v1';

export interface AuthRpc {
  'auth.client.authenticate.v1': Rpc<AuthenticateClientRequestV1, AccessTokenV1>;
}

export const AUTH_RPC_CLASSES: RequestClasses<AuthRpc> = {
  'auth.client.authenticate.v1': AuthenticateClientRequestV1,
};
