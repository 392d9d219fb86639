import { Module } from '@nestjs/common';
import { ImportSourcesHandler } from './import-sources.handler';
import { ImportSourcesRepository } from './import-sources.repository';
import { ImportSourcesService } from './import-sources.service';

@Module({
  controllers: [ImportSourcesHandler],
  providers: [ImportSourcesRepository, ImportSourcesService],
  exports: [ImportSourcesService],
})
export class ImportSourcesModule {}
