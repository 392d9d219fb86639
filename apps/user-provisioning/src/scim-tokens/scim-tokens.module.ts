import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HospitalsModule } from '../hospitals/hospitals.module';
import { ScimToken } from './scim-token.entity';
import { ScimTokensHandler } from './scim-tokens.handler';
import { ScimTokensService } from './scim-tokens.service';

@Module({
  imports: [TypeOrmModule.forFeature([ScimToken]), HospitalsModule],
  controllers: [ScimTokensHandler],
  providers: [ScimTokensService],
})
export class ScimTokensModule {}
