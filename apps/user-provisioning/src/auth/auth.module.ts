import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { Module } from '@nestjs/common';
import { ApiClientsModule } from '../api-clients/api-clients.module';
import { AuthHandler } from './auth.handler';
import { ClientAuthService } from './client-auth.service';

@Module({
  imports: [ApiClientsModule, SigningKeysModule],
  controllers: [AuthHandler],
  providers: [ClientAuthService],
})
export class AuthModule {}
