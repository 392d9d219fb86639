import { Injectable } from '@nestjs/common';
import type { IssueLoginTokenRequestV1, LoginTokenV1 } from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { LoginTokensService } from './login-tokens.service';

@Injectable()
export class LoginTokensHandler {
  constructor(private readonly loginTokens: LoginTokensService) {}

  @RpcHandler('users.login-token.issue.v1')
  issue(request: IssueLoginTokenRequestV1): Promise<LoginTokenV1> {
    return this.loginTokens.issue(request.hospitalId, request.actor, request.login);
  }
}
