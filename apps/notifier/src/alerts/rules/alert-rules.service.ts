import { Injectable } from '@nestjs/common';
import type { AlertRuleV1, AlertRulesViewV1 } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { normalizeRules } from './alert-rule.settings';
import { AlertRulesRepository } from './alert-rules.repository';

@Injectable()
export class AlertRulesService {
  constructor(
    private readonly rules: AlertRulesRepository,
    private readonly bus: Bus,
  ) {}

  async put(
    hospitalId: string,
    rules: AlertRuleV1[],
    options: { dryRun?: boolean } = {},
  ): Promise<AlertRulesViewV1> {
    const normalized = normalizeRules(rules);
    await this.bus.requireHospital(hospitalId);
    if (options.dryRun) return { hospitalId, rules: normalized };
    const stored = await this.rules.replace(hospitalId, normalized);
    return { hospitalId, rules: stored.rules, updatedAt: stored.updatedAt.toISOString() };
  }

  /** A hospital without rules has none (an empty list, not 404): no alert is evaluated for it. */
  async get(hospitalId: string): Promise<AlertRulesViewV1> {
    const stored = await this.rules.get(hospitalId);
    if (!stored) return { hospitalId, rules: [] };
    return { hospitalId, rules: stored.rules, updatedAt: stored.updatedAt.toISOString() };
  }
}
