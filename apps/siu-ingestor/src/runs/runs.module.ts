import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { SiuFilesRepository } from './siu-files.repository';
import { SiuMetrics } from './siu-metrics';
import { SiuRunFetcher } from './siu-run.fetcher';
import { SiuRunSupervisor } from './siu-run.supervisor';
import { SiuRunsHandler } from './siu-runs.handler';
import { SiuRunsRepository } from './siu-runs.repository';
import { SiuRunsService } from './siu-runs.service';

/** Runs: taking files from the source (fetcher), watching runs to their end (supervisor), run reports. */
@Module({
  imports: [ConnectionsModule],
  controllers: [SiuRunsHandler],
  providers: [
    SiuMetrics,
    SiuRunsRepository,
    SiuFilesRepository,
    SiuRunFetcher,
    SiuRunsService,
    SiuRunSupervisor,
  ],
  exports: [SiuMetrics, SiuRunsRepository, SiuRunsService],
})
export class RunsModule {}
