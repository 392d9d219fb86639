import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SiuConnectionSettings } from './siu-settings';

export interface StoredSiuConnection {
  hospitalId: string;
  settings: SiuConnectionSettings;
  updatedAt: Date;
}

/** SIU connections (one per hospital); every query takes the hospital id, except the schedule reload. */
@Injectable()
export class SiuConnectionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async save(hospitalId: string, settings: SiuConnectionSettings): Promise<StoredSiuConnection> {
    const rows: { updated_at: Date }[] = await this.dataSource.query(
      `INSERT INTO siu_ingestor.siu_connections (hospital_id, settings) VALUES ($1, $2)
       ON CONFLICT (hospital_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()
       RETURNING updated_at`,
      [hospitalId, JSON.stringify(settings)],
    );
    return { hospitalId, settings, updatedAt: rows[0].updated_at };
  }

  async find(hospitalId: string): Promise<StoredSiuConnection | undefined> {
    const rows: { settings: SiuConnectionSettings; updated_at: Date }[] = await this.dataSource.query(
      `SELECT settings, updated_at FROM siu_ingestor.siu_connections WHERE hospital_id = $1`,
      [hospitalId],
    );
    return rows[0] && { hospitalId, settings: rows[0].settings, updatedAt: rows[0].updated_at };
  }

  /** Every hospital's schedule: what each instance's scheduler runs (platform-wide by nature). */
  async schedules(): Promise<{ hospitalId: string; schedule: string; timezone: string; updatedAt: Date }[]> {
    const rows: { hospital_id: string; schedule: string; timezone: string; updated_at: Date }[] =
      await this.dataSource.query(
        `SELECT hospital_id, settings->>'schedule' AS schedule, settings->>'timezone' AS timezone, updated_at
       FROM siu_ingestor.siu_connections`,
      );
    return rows.map((row) => ({
      hospitalId: row.hospital_id,
      schedule: row.schedule,
      timezone: row.timezone,
      updatedAt: row.updated_at,
    }));
  }

  /** Hospitals streaming SIU over MLLP (platform-wide: hl7-gateway runs one listener per port). */
  async listeners(): Promise<{ hospitalId: string; port: number; charset: 'utf-8' | 'latin1' }[]> {
    const rows: { hospital_id: string; port: number; charset: 'utf-8' | 'latin1' }[] =
      await this.dataSource.query(
        `SELECT hospital_id, (settings->'mllpListener'->>'port')::int AS port, settings->>'charset' AS charset
       FROM siu_ingestor.siu_connections WHERE settings ? 'mllpListener' AND settings->'mllpListener' <> 'null'::jsonb
       ORDER BY hospital_id`,
      );
    return rows.map((row) => ({
      hospitalId: row.hospital_id,
      port: row.port,
      charset: row.charset ?? 'utf-8',
    }));
  }
}
