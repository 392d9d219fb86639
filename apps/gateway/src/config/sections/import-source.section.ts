import { Injectable } from '@nestjs/common';
import { DomainError, IMPORT_SOURCES, ImportSourceInputV1, validatePayload } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { ConfigSection } from '../config-section';

type ImportSource = (typeof IMPORT_SOURCES)[number];

/** `importSource`: which pull path imports take (`webservice` or `hl7`); null until chosen. */
@Injectable()
export class ImportSourceSection implements ConfigSection<ImportSource> {
  readonly path = 'importSource';
  readonly secretPaths = [];

  constructor(private readonly bus: Bus) {}

  async read(hospitalId: string): Promise<ImportSource | null> {
    return (await this.bus.request('imports.source.get.v1', { hospitalId })).source;
  }

  async check(_hospitalId: string, wanted: unknown, current: ImportSource | null): Promise<void> {
    if (wanted === null && current !== null) {
      throw new DomainError('CONFIG_CHANGE_UNSUPPORTED', 'An import source cannot be unset, only changed.', {
        errors: [{ field: '', message: 'importSource cannot be removed: choose webservice or hl7' }],
      });
    }
    if (wanted !== null) validatePayload(ImportSourceInputV1, { source: wanted });
  }

  async write(hospitalId: string, wanted: ImportSource): Promise<void> {
    await this.bus.request('imports.source.put.v1', { hospitalId, source: wanted });
  }
}
