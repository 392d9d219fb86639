import { Injectable } from '@nestjs/common';
import type { Hl7ConnectionInputV1 } from '@bridge/contracts';
import type { DerivedQueryTemplate } from '@bridge/hl7';
import { DataSource } from 'typeorm';

/** The body as saved, plus the template derived from its `exampleQuery` (derived once, at save). */
export type StoredHl7Settings = Hl7ConnectionInputV1 & { derivedTemplate?: DerivedQueryTemplate };

export interface StoredHl7Connection {
  hospitalId: string;
  settings: StoredHl7Settings;
  updatedAt: Date;
  /**
   * The row's xmin: changes with every write of the row, whoever writes it. A query journals its exchange
   * only while the connection is still this version (JournalRepository.insertOutbound).
   */
  version: string;
}

interface ConnectionRow {
  hospital_id: string;
  settings: StoredHl7Settings;
  updated_at: Date;
  version: string;
}

const COLUMNS = 'hospital_id, settings, updated_at, xmin::text AS version';

/** One HL7 connection per hospital; every query takes the hospital id. */
@Injectable()
export class ConnectionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async upsert(hospitalId: string, settings: StoredHl7Settings): Promise<StoredHl7Connection> {
    const rows: ConnectionRow[] = await this.dataSource.query(
      `INSERT INTO hl7_gateway.hl7_connections (hospital_id, settings, updated_at)
       VALUES ($1, $2::jsonb, now())
       ON CONFLICT (hospital_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()
       RETURNING ${COLUMNS}`,
      [hospitalId, JSON.stringify(settings)],
    );
    return toStored(rows[0]);
  }

  async find(hospitalId: string): Promise<StoredHl7Connection | undefined> {
    const rows: ConnectionRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM hl7_gateway.hl7_connections WHERE hospital_id = $1`,
      [hospitalId],
    );
    return rows[0] && toStored(rows[0]);
  }
}

function toStored(row: ConnectionRow): StoredHl7Connection {
  return {
    hospitalId: row.hospital_id,
    settings: row.settings,
    updatedAt: row.updated_at,
    version: row.version,
  };
}
