import { type DynamicModule, Module } from '@nestjs/common';
import { ImportSourcesModule } from '../import-sources/import-sources.module';
import { PatientsModule } from '../patients/patients.module';
import { WebServiceModule } from '../webservice/webservice.module';
import { ImportsHandler } from './imports.handler';
import { IMPORTS_OPTIONS, type ImportsOptions } from './imports.options';
import { ImportsRepository } from './imports.repository';
import { ImportsService } from './imports.service';

/** Pull-import sessions: lookup at the hospital through its import source, then one confirm. */
@Module({})
export class ImportsModule {
  static register(options: ImportsOptions): DynamicModule {
    return {
      module: ImportsModule,
      imports: [ImportSourcesModule, WebServiceModule, PatientsModule],
      controllers: [ImportsHandler],
      providers: [{ provide: IMPORTS_OPTIONS, useValue: options }, ImportsRepository, ImportsService],
    };
  }
}
