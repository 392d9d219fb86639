import { Module } from '@nestjs/common';
import { PatientEventsRepository } from './patient-events.repository';
import { PatientTraceHandler } from './patient-trace.handler';
import { PatientTraceService } from './patient-trace.service';

/** The patient trace: read by the gateway, written by the features that touch a patient. */
@Module({
  controllers: [PatientTraceHandler],
  providers: [PatientEventsRepository, PatientTraceService],
  exports: [PatientEventsRepository],
})
export class PatientTraceModule {}
