import { Injectable } from '@nestjs/common';
import { Bus } from '@bridge/messaging';
import { ImportSourcesRepository, type ImportSource } from './import-sources.repository';

/**
 * Which pull path a hospital's imports take: its web service or an HL7 query over MLLP.
 *
 * Each hospital's source is read once and remembered for its lookups: the statement that stores a lookup's
 * session writes it only while the stored source is still the one remembered (ImportsRepository.insertMany), so
 * a change made through another instance applies to the next lookup as it would with a read per lookup,
 * and the read per lookup (a round trip to PostgreSQL on every one) is gone.
 */
@Injectable()
export class ImportSourcesService {
  /** Per hospital looked up from, its source as last read or written here (a few bytes each). */
  private readonly known = new Map<string, ImportSource>();

  constructor(
    private readonly sources: ImportSourcesRepository,
    private readonly bus: Bus,
  ) {}

  /** The connection of the chosen source may come later: a lookup without it answers IMPORT_SOURCE_NOT_CONFIGURED. */
  async put(hospitalId: string, source: ImportSource): Promise<{ hospitalId: string; source: ImportSource }> {
    await this.bus.requireHospital(hospitalId);
    await this.sources.put(hospitalId, source);
    this.known.set(hospitalId, source);
    return { hospitalId, source };
  }

  /** As stored now. */
  async find(hospitalId: string): Promise<ImportSource | undefined> {
    const source = await this.sources.find(hospitalId);
    if (source) this.known.set(hospitalId, source);
    else this.known.delete(hospitalId);
    return source;
  }

  /** As last read here, else as stored now: whoever relies on it checks it is still current where it writes. */
  async remembered(hospitalId: string): Promise<ImportSource | undefined> {
    return this.known.get(hospitalId) ?? this.find(hospitalId);
  }
}
