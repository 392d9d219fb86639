import type { Rpc, RequestClasses } from '../common/rpc';
import { HealthCheckRequestV1, type HealthReportV1 } from './health.rpc.v1';

export interface HealthRpc {
  'patient-import.health.check.v1': Rpc<HealthCheckRequestV1, HealthReportV1>;
  'user-provisioning.health.check.v1': Rpc<HealthCheckRequestV1, HealthReportV1>;
  'hl7-gateway.health.check.v1': Rpc<HealthCheckRequestV1, HealthReportV1>;
  'siu-ingestor.health.check.v1': Rpc<HealthCheckRequestV1, HealthReportV1>;
  'notifier.health.check.v1': Rpc<HealthCheckRequestV1, HealthReportV1>;
}

export const HEALTH_RPC_CLASSES: RequestClasses<HealthRpc> = {
  'patient-import.health.check.v1': HealthCheckRequestV1,
  'user-provisioning.health.check.v1': HealthCheckRequestV1,
  'hl7-gateway.health.check.v1': HealthCheckRequestV1,
  'siu-ingestor.health.check.v1': HealthCheckRequestV1,
  'notifier.health.check.v1': HealthCheckRequestV1,
};
