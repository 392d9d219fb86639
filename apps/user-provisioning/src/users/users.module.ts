import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { HospitalsModule } from '../hospitals/hospitals.module';
import { User } from './user.entity';
import { UsersHandler } from './users.handler';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';
import { UsersWriter } from './users.writer';

@Module({
  imports: [TypeOrmModule.forFeature([User]), HospitalsModule, AuditModule],
  controllers: [UsersHandler],
  providers: [UsersService, UsersRepository, UsersWriter],
  exports: [UsersService, UsersRepository, UsersWriter],
})
export class UsersModule {}
