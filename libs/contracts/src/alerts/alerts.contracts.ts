import type { RequestClasses, Rpc } from '../common/rpc';
import {
  GetAlertRulesRequestV1,
  ListAlertsRequestV1,
  PutAlertRulesRequestV1,
  type AlertRulesViewV1,
  type AlertsPageV1,
} from './alerts.rpc.v1';

/** Alert rules and alerts (notifier). */
export interface AlertsRpc {
  'alerts.rules.put.v1': Rpc<PutAlertRulesRequestV1, AlertRulesViewV1>;
  'alerts.rules.get.v1': Rpc<GetAlertRulesRequestV1, AlertRulesViewV1>;
  'alerts.alert.list.v1': Rpc<ListAlertsRequestV1, AlertsPageV1>;
}

export const ALERTS_RPC_CLASSES: RequestClasses<AlertsRpc> = {
  'alerts.rules.put.v1': PutAlertRulesRequestV1,
  'alerts.rules.get.v1': GetAlertRulesRequestV1,
  'alerts.alert.list.v1': ListAlertsRequestV1,
};
