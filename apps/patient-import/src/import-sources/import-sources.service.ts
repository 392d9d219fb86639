import { Injectable } from '@nestjs/common';
import { Bus } from '@bridge/messaging';
import { ImportSourcesRepository, type ImportSource } from './import-sources.repository';

/** Which pull path a hospital's imports take: its web service or an HL7 query over MLLP. */
@Injectable()
export class ImportSourcesService {
  constructor(
    private readonly sources: ImportSourcesRepository,
    private readonly bus: Bus,
  ) {}

  /** The connection of the chosen source may come later: a lookup without it answers IMPORT_SOURCE_NOT_CONFIGURED. */
  async put(hospitalId: string, source: ImportSource): Promise<{ hospitalId: string; source: ImportSource }> {
    await this.bus.requireHospital(hospitalId);
    await this.sources.put(hospitalId, source);
    return { hospitalId, source };
  }

  find(hospitalId: string): Promise<ImportSource | undefined> {
    return this.sources.find(hospitalId);
  }
}
