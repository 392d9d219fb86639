import { Injectable } from '@nestjs/common';
import type { Hl7ConnectionInputV1 } from '@bridge/contracts';
import { DataSource } from 'typeorm';

export interface StoredHl7Connection {
  hospitalId: string;
  settings: Hl7ConnectionInputV1;
  updatedAt: Date;
}

interface ConnectionRow {
  hospital_id: string;
  settings: Hl7ConnectionInputV1;
  updated_at: Date;
}

/** One HL7 connection per hospital; every query takes the hospital id. */
@Injectable()
export class ConnectionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async upsert(hospitalId: string, settings: Hl7ConnectionInputV1): Promise<StoredHl7Connection> {
    const rows: ConnectionRow[] = await this.dataSource.query(
      `INSERT INTO hl7_gateway.hl7_connections (hospital_id, settings, updated_at)
       VALUES ($1, $2::jsonb, now())
       ON CONFLICT (hospital_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()
       RETURNING hospital_id, settings, updated_at`,
      [hospitalId, JSON.stringify(settings)],
    );
    return toStored(rows[0]);
  }

  async find(hospitalId: string): Promise<StoredHl7Connection | undefined> {
    const rows: ConnectionRow[] = await this.dataSource.query(
      `SELECT hospital_id, settings, updated_at FROM hl7_gateway.hl7_connections WHERE hospital_id = $1`,
      [hospitalId],
    );
    return rows[0] && toStored(rows[0]);
  }
}

function toStored(row: ConnectionRow): StoredHl7Connection {
  return { hospitalId: row.hospital_id, settings: row.settings, updatedAt: row.updated_at };
}
