import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CareFlowDefinition } from './care-flow-definition.entity';
import { CareFlowDefinitionsHandler } from './care-flow-definitions.handler';
import { CareFlowDefinitionsService } from './care-flow-definitions.service';

@Module({
  imports: [TypeOrmModule.forFeature([CareFlowDefinition])],
  controllers: [CareFlowDefinitionsHandler],
  providers: [CareFlowDefinitionsService],
  exports: [CareFlowDefinitionsService],
})
export class CareFlowDefinitionsModule {}
