import { Controller } from '@nestjs/common';
import type {
  CheckSessionRequestV1,
  EndSessionRequestV1,
  ExchangeLoginTokenRequestV1,
  PasswordLoginRequestV1,
  SessionCheckV1,
  SessionV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { SessionsService } from './sessions.service';

@Controller()
export class SessionsHandler {
  constructor(private readonly sessions: SessionsService) {}

  @MessagePattern('users.session.login.v1')
  login(@Payload() request: PasswordLoginRequestV1): Promise<SessionV1> {
    return this.sessions.login(request);
  }

  @MessagePattern('users.session.exchange.v1')
  exchange(@Payload() request: ExchangeLoginTokenRequestV1): Promise<SessionV1> {
    return this.sessions.exchange(request.token);
  }

  @MessagePattern('users.session.check.v1')
  async check(@Payload() request: CheckSessionRequestV1): Promise<SessionCheckV1> {
    return {
      current: await this.sessions.isCurrent(
        request.hospitalId,
        request.userId,
        request.sessionVersion,
        request.sessionId,
      ),
    };
  }

  @MessagePattern('users.session.end.v1')
  async end(@Payload() request: EndSessionRequestV1): Promise<null> {
    await this.sessions.end(request);
    return null;
  }
}
