import { Injectable } from '@nestjs/common';
import type { ExchangeSignalsV1 } from '@bridge/contracts';
import { DataSource } from 'typeorm';

/**
 * What notifier's alerts need from the HL7 journal: the outcomes of the newest finished queries to the
 * hospital (a reply, even "not found", is ok; refused, timed out or broken is not) and when its real-time
 * SIU listener last received a message.
 */
@Injectable()
export class Hl7SignalsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async forHospital(hospitalId: string, limit: number): Promise<ExchangeSignalsV1> {
    const recent: { at: Date; ok: boolean }[] = await this.dataSource.query(
      `SELECT created_at AS at, status = 'replied' AS ok FROM hl7_gateway.messages
       WHERE hospital_id = $1 AND direction = 'outbound' AND status IN ('replied', 'failed')
       ORDER BY created_at DESC LIMIT $2`,
      [hospitalId, limit],
    );
    const inbound: { at: Date | null }[] = await this.dataSource.query(
      `SELECT max(created_at) AS at FROM hl7_gateway.messages WHERE hospital_id = $1 AND channel = 'siu-mllp'`,
      [hospitalId],
    );
    return {
      recent: recent.map((row) => ({ at: row.at.toISOString(), ok: row.ok })),
      ...(inbound[0]?.at ? { lastInboundAt: inbound[0].at.toISOString() } : {}),
    };
  }
}
