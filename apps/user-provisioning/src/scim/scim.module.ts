import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { UsersModule } from '../users/users.module';
import { ScimGroupsHandler } from './groups/scim-groups.handler';
import { ScimGroupsRepository } from './groups/scim-groups.repository';
import { ScimGroupsService } from './groups/scim-groups.service';
import { ScimHandler } from './scim.handler';
import { ScimService } from './scim.service';

@Module({
  imports: [UsersModule, AuditModule],
  controllers: [ScimHandler, ScimGroupsHandler],
  providers: [ScimService, ScimGroupsRepository, ScimGroupsService],
})
export class ScimModule {}
