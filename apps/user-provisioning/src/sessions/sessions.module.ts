import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { LoginTokensModule } from '../login-tokens/login-tokens.module';
import { UsersModule } from '../users/users.module';
import { SessionsHandler } from './sessions.handler';
import { SessionsService } from './sessions.service';

@Module({
  imports: [UsersModule, LoginTokensModule, AuditModule],
  controllers: [SessionsHandler],
  providers: [SessionsService],
})
export class SessionsModule {}
