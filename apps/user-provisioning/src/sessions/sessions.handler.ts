import { Injectable } from '@nestjs/common';
import type {
  CheckSessionRequestV1,
  ExchangeLoginTokenRequestV1,
  PasswordLoginRequestV1,
  SessionCheckV1,
  SessionV1,
} from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { SessionsService } from './sessions.service';

@Injectable()
export class SessionsHandler {
  constructor(private readonly sessions: SessionsService) {}

  @RpcHandler('users.session.login.v1')
  login(request: PasswordLoginRequestV1): Promise<SessionV1> {
    return this.sessions.login(request);
  }

  @RpcHandler('users.session.exchange.v1')
  exchange(request: ExchangeLoginTokenRequestV1): Promise<SessionV1> {
    return this.sessions.exchange(request.token);
  }

  @RpcHandler('users.session.check.v1')
  async check(request: CheckSessionRequestV1): Promise<SessionCheckV1> {
    return {
      current: await this.sessions.isCurrent(request.hospitalId, request.userId, request.sessionVersion),
    };
  }
}
