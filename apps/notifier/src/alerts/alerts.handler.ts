import { Controller } from '@nestjs/common';
import type {
  AlertRulesViewV1,
  AlertsPageV1,
  GetAlertRulesRequestV1,
  ListAlertsRequestV1,
  PutAlertRulesRequestV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AlertsRepository } from './alerts.repository';
import { AlertRulesService } from './rules/alert-rules.service';

@Controller()
export class AlertsHandler {
  constructor(
    private readonly rules: AlertRulesService,
    private readonly alerts: AlertsRepository,
  ) {}

  @MessagePattern('alerts.rules.put.v1')
  putRules(@Payload() request: PutAlertRulesRequestV1): Promise<AlertRulesViewV1> {
    return this.rules.put(request.hospitalId, request.input.rules, { dryRun: request.dryRun });
  }

  @MessagePattern('alerts.rules.get.v1')
  getRules(@Payload() request: GetAlertRulesRequestV1): Promise<AlertRulesViewV1> {
    return this.rules.get(request.hospitalId);
  }

  @MessagePattern('alerts.alert.list.v1')
  async list(@Payload() request: ListAlertsRequestV1): Promise<AlertsPageV1> {
    return { alerts: await this.alerts.list(request) };
  }
}
