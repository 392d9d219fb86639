import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Hospital } from './hospital.entity';
import { HospitalsHandler } from './hospitals.handler';
import { HospitalsService } from './hospitals.service';

@Module({
  imports: [TypeOrmModule.forFeature([Hospital])],
  controllers: [HospitalsHandler],
  providers: [HospitalsService],
  exports: [HospitalsService],
})
export class HospitalsModule {}
