import { Injectable } from '@nestjs/common';
import type { IMPORT_SOURCES } from '@bridge/contracts';
import { DataSource } from 'typeorm';

export type ImportSource = (typeof IMPORT_SOURCES)[number];

/** Named queries on the per-hospital import source; one row per hospital. */
@Injectable()
export class ImportSourcesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async put(hospitalId: string, source: ImportSource): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO patient_import.import_sources (hospital_id, source) VALUES ($1, $2)
       ON CONFLICT (hospital_id) DO UPDATE SET source = EXCLUDED.source, updated_at = now()`,
      [hospitalId, source],
    );
  }

  async find(hospitalId: string): Promise<ImportSource | undefined> {
    const rows: { source: ImportSource }[] = await this.dataSource.query(
      `SELECT source FROM patient_import.import_sources WHERE hospital_id = $1`,
      [hospitalId],
    );
    return rows[0]?.source;
  }
}
