import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { LoginTokensModule } from '../login-tokens/login-tokens.module';
import { UsersModule } from '../users/users.module';
import { RevokedSessions } from './revoked-sessions';
import { SessionsHandler } from './sessions.handler';
import { SessionsService } from './sessions.service';

@Module({
  imports: [UsersModule, LoginTokensModule, AuditModule, SigningKeysModule],
  controllers: [SessionsHandler],
  providers: [SessionsService, RevokedSessions],
})
export class SessionsModule {}
