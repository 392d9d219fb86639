import { Module } from '@nestjs/common';
import { CareFlowsModule } from '../care-flows/care-flows.module';
import { PatientsHandler } from './patients.handler';
import { PatientsRepository } from './patients.repository';
import { PatientsService } from './patients.service';

@Module({
  imports: [CareFlowsModule],
  controllers: [PatientsHandler],
  providers: [PatientsRepository, PatientsService],
  exports: [PatientsService],
})
export class PatientsModule {}
