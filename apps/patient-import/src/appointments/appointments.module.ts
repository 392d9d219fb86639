import { Module } from '@nestjs/common';
import { CareFlowDefinitionsModule } from '../care-flow-definitions/care-flow-definitions.module';
import { AppliedMessagesRepository } from './applied-messages.repository';
import { AppointmentsHandler } from './appointments.handler';
import { AppointmentsRepository } from './appointments.repository';
import { AppointmentsService } from './appointments.service';
import { SiuCareFlowsRepository } from './siu-care-flows.repository';
import { SiuPatientsRepository } from './siu-patients.repository';

/** SIU appointments -> patients and care flows (HL7-RULES 25-27), applied for siu-ingestor. */
@Module({
  imports: [CareFlowDefinitionsModule],
  controllers: [AppointmentsHandler],
  providers: [
    AppliedMessagesRepository,
    AppointmentsRepository,
    SiuCareFlowsRepository,
    SiuPatientsRepository,
    AppointmentsService,
  ],
})
export class AppointmentsModule {}
