import { Injectable } from '@nestjs/common';
import type { AccessTokenV1, AuthenticateClientRequestV1 } from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { ClientAuthService } from './client-auth.service';

@Injectable()
export class AuthHandler {
  constructor(private readonly clientAuth: ClientAuthService) {}

  @RpcHandler('auth.client.authenticate.v1')
  authenticate(request: AuthenticateClientRequestV1): Promise<AccessTokenV1> {
    return this.clientAuth.authenticate(request.clientId, request.clientSecret);
  }
}
