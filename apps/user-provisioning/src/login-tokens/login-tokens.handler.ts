import { Controller } from '@nestjs/common';
import type { IssueLoginTokenRequestV1, LoginTokenV1 } from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { LoginTokensService } from './login-tokens.service';

@Controller()
export class LoginTokensHandler {
  constructor(private readonly loginTokens: LoginTokensService) {}

  @MessagePattern('users.login-token.issue.v1')
  issue(@Payload() request: IssueLoginTokenRequestV1): Promise<LoginTokenV1> {
    return this.loginTokens.issue(request.hospitalId, request.actor, request.login);
  }
}
