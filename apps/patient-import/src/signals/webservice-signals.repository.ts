import { Injectable } from '@nestjs/common';
import type { ExchangeSignalsV1 } from '@bridge/contracts';
import { DataSource } from 'typeorm';

/** The outcomes of the newest finished web-service exchanges with the hospital, for notifier's alerts. */
@Injectable()
export class WebServiceSignalsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async forHospital(hospitalId: string, limit: number): Promise<ExchangeSignalsV1> {
    const recent: { at: Date; ok: boolean }[] = await this.dataSource.query(
      `SELECT created_at AS at, status = 'replied' AS ok FROM patient_import.messages
       WHERE hospital_id = $1 AND channel = 'webservice' AND status IN ('replied', 'failed')
       ORDER BY created_at DESC LIMIT $2`,
      [hospitalId, limit],
    );
    return { recent: recent.map((row) => ({ at: row.at.toISOString(), ok: row.ok })) };
  }
}
