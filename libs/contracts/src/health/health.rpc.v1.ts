export class HealthCheckRequestV1 {}

export interface HealthReportV1 {
  service: string;
  ok: boolean;
  database: { ok: boolean; detail: string };
}

/** Every service answers its own health pattern, so the gateway can tell which one is down. */
export const SERVICE_HEALTH_PATTERNS = [
  'patient-import.health.check.v1',
  'user-provisioning.health.check.v1',
  'hl7-gateway.health.check.v1',
  'siu-ingestor.health.check.v1',
  'notifier.health.check.v1',
] as const;
