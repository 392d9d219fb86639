import { Module } from '@nestjs/common';
import { SigningKeysHandler } from './signing-keys.handler';
import { SigningKeysService } from './signing-keys.service';

@Module({
  controllers: [SigningKeysHandler],
  providers: [SigningKeysService],
  exports: [SigningKeysService],
})
export class SigningKeysModule {}
