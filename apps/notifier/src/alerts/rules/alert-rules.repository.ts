import { Injectable } from '@nestjs/common';
import type { AlertRuleV1 } from '@bridge/contracts';
import { DataSource } from 'typeorm';

export interface HospitalRules {
  hospitalId: string;
  rules: AlertRuleV1[];
  updatedAt: Date;
}

interface RulesRow {
  hospital_id: string;
  rules: AlertRuleV1[];
  updated_at: Date;
}

const toRules = (row: RulesRow): HospitalRules => ({
  hospitalId: row.hospital_id,
  rules: row.rules,
  updatedAt: row.updated_at,
});

/** One rules document per hospital, replaced whole by PUT. */
@Injectable()
export class AlertRulesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async replace(hospitalId: string, rules: AlertRuleV1[]): Promise<HospitalRules> {
    const rows: RulesRow[] = await this.dataSource.query(
      `INSERT INTO notifier.alert_rules (hospital_id, rules) VALUES ($1, $2::jsonb)
       ON CONFLICT (hospital_id) DO UPDATE SET rules = EXCLUDED.rules, updated_at = now()
       RETURNING hospital_id, rules, updated_at`,
      [hospitalId, JSON.stringify(rules)],
    );
    return toRules(rows[0]);
  }

  async get(hospitalId: string): Promise<HospitalRules | undefined> {
    const rows: RulesRow[] = await this.dataSource.query(
      `SELECT hospital_id, rules, updated_at FROM notifier.alert_rules WHERE hospital_id = $1`,
      [hospitalId],
    );
    return rows[0] ? toRules(rows[0]) : undefined;
  }

  /** Every hospital with rules, and every hospital with an open alert (whose rule may have been removed). */
  async toEvaluate(): Promise<HospitalRules[]> {
    const rows: RulesRow[] = await this.dataSource.query(
      `SELECT r.hospital_id, r.rules, r.updated_at FROM notifier.alert_rules r
       UNION ALL
       SELECT DISTINCT a.hospital_id, '[]'::jsonb, now() FROM notifier.alerts a
       WHERE a.state = 'open' AND NOT EXISTS (SELECT 1 FROM notifier.alert_rules r WHERE r.hospital_id = a.hospital_id)
       ORDER BY hospital_id`,
    );
    return rows.map(toRules);
  }
}
