import { Module } from '@nestjs/common';
import { CareFlowDefinitionsModule } from '../care-flow-definitions/care-flow-definitions.module';
import { CareFlowsHandler } from './care-flows.handler';
import { CareFlowsRepository } from './care-flows.repository';
import { CareFlowsService } from './care-flows.service';

@Module({
  imports: [CareFlowDefinitionsModule],
  controllers: [CareFlowsHandler],
  providers: [CareFlowsRepository, CareFlowsService],
  exports: [CareFlowsService, CareFlowsRepository],
})
export class CareFlowsModule {}
