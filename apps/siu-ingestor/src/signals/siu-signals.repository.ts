import { Injectable } from '@nestjs/common';
import { SIU_CONNECTION_DEFAULTS, type SiuSignalsV1 } from '@bridge/contracts';
import { DataSource } from 'typeorm';

/** What notifier's siu-file-missing alert needs: the schedule and when a file last arrived. */
@Injectable()
export class SiuSignalsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async forHospital(hospitalId: string): Promise<SiuSignalsV1> {
    const rows: {
      schedule: string | null;
      timezone: string | null;
      listener: boolean;
      last_file_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT c.settings->>'schedule' AS schedule, c.settings->>'timezone' AS timezone,
           coalesce(c.settings->'mllpListener', 'null'::jsonb) <> 'null'::jsonb AS listener,
           (SELECT max(f.created_at) FROM siu_ingestor.siu_files f WHERE f.hospital_id = c.hospital_id) AS last_file_at
         FROM siu_ingestor.siu_connections c WHERE c.hospital_id = $1`,
      [hospitalId],
    );
    const row = rows[0];
    if (!row) return { configured: false, listener: false };
    return {
      configured: true,
      schedule: row.schedule ?? SIU_CONNECTION_DEFAULTS.schedule,
      timezone: row.timezone ?? SIU_CONNECTION_DEFAULTS.timezone,
      listener: row.listener,
      ...(row.last_file_at ? { lastFileAt: row.last_file_at.toISOString() } : {}),
    };
  }
}
