import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { UsersModule } from '../users/users.module';
import { LoginTokensHandler } from './login-tokens.handler';
import { LoginTokensRepository } from './login-tokens.repository';
import { LoginTokensService } from './login-tokens.service';

@Module({
  imports: [UsersModule, AuditModule],
  controllers: [LoginTokensHandler],
  providers: [LoginTokensRepository, LoginTokensService],
  exports: [LoginTokensRepository],
})
export class LoginTokensModule {}
