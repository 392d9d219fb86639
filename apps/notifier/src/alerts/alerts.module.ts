import { type DynamicModule, Module } from '@nestjs/common';
import { ALERTS_OPTIONS, type AlertsOptions } from './alerts.options';
import { AlertsHandler } from './alerts.handler';
import { AlertsRepository } from './alerts.repository';
import { AlertEvaluatorService } from './evaluation/alert-evaluator.service';
import { SignalsReader } from './evaluation/signals.reader';
import { Alerts1796228700000 } from './migrations/1796228700000-alerts';
import { OpenAlertsGauge } from './open-alerts.gauge';
import { AlertRulesRepository } from './rules/alert-rules.repository';
import { AlertRulesService } from './rules/alert-rules.service';

/** notifier's migrations for alerts, listed in NotifierModule's DatabaseModule. */
export const ALERTS_MIGRATIONS = [Alerts1796228700000];

/** Alert rules per hospital, the evaluation loop, and the alerts it opens and resolves. */
@Module({})
export class AlertsModule {
  static register(options: AlertsOptions): DynamicModule {
    return {
      module: AlertsModule,
      controllers: [AlertsHandler],
      providers: [
        { provide: ALERTS_OPTIONS, useValue: options },
        AlertsRepository,
        AlertRulesRepository,
        AlertRulesService,
        SignalsReader,
        AlertEvaluatorService,
        OpenAlertsGauge,
      ],
      exports: [AlertEvaluatorService],
    };
  }
}
