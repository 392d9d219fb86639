import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HospitalsModule } from '../hospitals/hospitals.module';
import { User } from './user.entity';
import { UsersHandler } from './users.handler';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User]), HospitalsModule],
  providers: [UsersService, UsersHandler],
  exports: [UsersService],
})
export class UsersModule {}
