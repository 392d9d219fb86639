import { Injectable } from '@nestjs/common';
import { AlertRulesInputV1, validatePayload, type AlertRuleV1 } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { ConfigSection } from '../config-section';
import { withoutPrefix } from './field-paths';

/** `alertRules`: the hospital's alert rules, every default filled in, as PUT .../alert-rules takes them. */
@Injectable()
export class AlertRulesSection implements ConfigSection<AlertRuleV1[]> {
  readonly path = 'alertRules';
  readonly secretPaths = [];

  constructor(private readonly bus: Bus) {}

  async read(hospitalId: string): Promise<AlertRuleV1[]> {
    return (await this.bus.request('alerts.rules.get.v1', { hospitalId })).rules;
  }

  async check(hospitalId: string, wanted: unknown): Promise<void> {
    await this.bus.request('alerts.rules.put.v1', {
      hospitalId,
      input: { rules: this.rules(wanted) },
      dryRun: true,
    });
  }

  async write(hospitalId: string, wanted: AlertRuleV1[]): Promise<void> {
    await this.bus.request('alerts.rules.put.v1', { hospitalId, input: { rules: this.rules(wanted) } });
  }

  private rules(wanted: unknown): AlertRuleV1[] {
    try {
      return validatePayload(AlertRulesInputV1, { rules: wanted ?? [] }).rules;
    } catch (error) {
      throw withoutPrefix(error, 'rules');
    }
  }
}
