import { Injectable } from '@nestjs/common';
import {
  DEFAULT_RETENTION,
  DomainError,
  type RetentionInputV1,
  type RetentionPolicyV1,
  type RetentionViewV1,
} from '@bridge/contracts';
import { DataSource } from 'typeorm';
import { HospitalsService } from '../hospitals/hospitals.service';

interface RetentionRow {
  hospital_id: string;
  message_bodies_days: number;
  messages_days: number;
}

/** Hospitals' retention settings; the journals' retention jobs prune by them. */
@Injectable()
export class RetentionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hospitals: HospitalsService,
  ) {}

  async put(
    hospitalId: string,
    input: RetentionInputV1,
    options: { dryRun?: boolean } = {},
  ): Promise<RetentionViewV1> {
    if (input.messageBodiesDays > input.messagesDays) {
      throw new DomainError(
        'RETENTION_INVALID',
        'messageBodiesDays cannot exceed messagesDays: a body goes with its message.',
      );
    }
    await this.hospitals.get(hospitalId);
    if (options.dryRun) return { hospitalId, ...input, custom: true };
    await this.dataSource.query(
      `INSERT INTO user_provisioning.hospital_retention (hospital_id, message_bodies_days, messages_days)
       VALUES ($1, $2, $3)
       ON CONFLICT (hospital_id) DO UPDATE
         SET message_bodies_days = EXCLUDED.message_bodies_days, messages_days = EXCLUDED.messages_days, updated_at = now()`,
      [hospitalId, input.messageBodiesDays, input.messagesDays],
    );
    return { hospitalId, ...input, custom: true };
  }

  async get(hospitalId: string): Promise<RetentionViewV1> {
    await this.hospitals.get(hospitalId);
    const rows: RetentionRow[] = await this.dataSource.query(
      `SELECT hospital_id, message_bodies_days, messages_days FROM user_provisioning.hospital_retention WHERE hospital_id = $1`,
      [hospitalId],
    );
    return rows[0]
      ? { ...toDays(rows[0]), custom: true }
      : { hospitalId, ...DEFAULT_RETENTION, custom: false };
  }

  async policy(): Promise<RetentionPolicyV1> {
    const rows: RetentionRow[] = await this.dataSource.query(
      `SELECT hospital_id, message_bodies_days, messages_days FROM user_provisioning.hospital_retention`,
    );
    return { defaults: { ...DEFAULT_RETENTION }, hospitals: rows.map(toDays) };
  }
}

function toDays(row: RetentionRow) {
  return {
    hospitalId: row.hospital_id,
    messageBodiesDays: row.message_bodies_days,
    messagesDays: row.messages_days,
  };
}
