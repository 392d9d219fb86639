import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { ScimHandler } from './scim.handler';
import { ScimService } from './scim.service';

@Module({
  imports: [UsersModule],
  providers: [ScimService, ScimHandler],
})
export class ScimModule {}
