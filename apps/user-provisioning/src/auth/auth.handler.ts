import { Controller } from '@nestjs/common';
import type { AccessTokenV1, AuthenticateClientRequestV1 } from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ClientAuthService } from './client-auth.service';

@Controller()
export class AuthHandler {
  constructor(private readonly clientAuth: ClientAuthService) {}

  @MessagePattern('auth.client.authenticate.v1')
  authenticate(@Payload() request: AuthenticateClientRequestV1): Promise<AccessTokenV1> {
    return this.clientAuth.authenticate(request.clientId, request.clientSecret);
  }
}
