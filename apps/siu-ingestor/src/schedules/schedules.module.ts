import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { RunsModule } from '../runs/runs.module';
import { SiuSchedulesService } from './siu-schedules.service';

@Module({
  imports: [ConnectionsModule, RunsModule],
  providers: [SiuSchedulesService],
})
export class SchedulesModule {}
