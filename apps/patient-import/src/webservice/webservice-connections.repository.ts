import { Injectable } from '@nestjs/common';
import type { WebServiceConnectionInputV1 } from '@bridge/contracts';
import { DataSource } from 'typeorm';

/** A hospital's web-service connection as stored: secrets included, so it never leaves this service as is. */
export interface StoredWebServiceConnection {
  hospitalId: string;
  settings: WebServiceConnectionInputV1;
  updatedAt: Date;
}

interface ConnectionRow {
  hospital_id: string;
  settings: WebServiceConnectionInputV1;
  updated_at: Date;
}

/** Named queries on web-service connections; one per hospital, keyed by the hospital id. */
@Injectable()
export class WebServiceConnectionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async upsert(
    hospitalId: string,
    settings: WebServiceConnectionInputV1,
  ): Promise<StoredWebServiceConnection> {
    const rows: ConnectionRow[] = await this.dataSource.query(
      `INSERT INTO patient_import.webservice_connections (hospital_id, flavor, settings)
       VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (hospital_id) DO UPDATE SET flavor = EXCLUDED.flavor, settings = EXCLUDED.settings, updated_at = now()
       RETURNING hospital_id, settings, updated_at`,
      [hospitalId, settings.flavor, JSON.stringify(settings)],
    );
    return toStored(rows[0]);
  }

  async find(hospitalId: string): Promise<StoredWebServiceConnection | undefined> {
    const rows: ConnectionRow[] = await this.dataSource.query(
      `SELECT hospital_id, settings, updated_at FROM patient_import.webservice_connections WHERE hospital_id = $1`,
      [hospitalId],
    );
    return rows[0] && toStored(rows[0]);
  }
}

function toStored(row: ConnectionRow): StoredWebServiceConnection {
  return { hospitalId: row.hospital_id, settings: row.settings, updatedAt: row.updated_at };
}
