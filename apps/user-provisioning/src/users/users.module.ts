import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { HospitalsModule } from '../hospitals/hospitals.module';
import { PasswordHasher } from './password-hasher';
import { User } from './user.entity';
import { UsersHandler } from './users.handler';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';
import { UsersWriter } from './users.writer';

@Module({
  imports: [TypeOrmModule.forFeature([User]), HospitalsModule, AuditModule],
  controllers: [UsersHandler],
  providers: [UsersService, UsersRepository, UsersWriter, PasswordHasher],
  exports: [UsersService, UsersRepository, UsersWriter, PasswordHasher],
})
export class UsersModule {}
