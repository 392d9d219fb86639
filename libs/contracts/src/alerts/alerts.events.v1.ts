import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export const ALERT_KINDS = [
  'dead-letters',
  'siu-file-missing',
  'hospital-unreachable',
  'error-rate',
  'listener-silent',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * An alert opened or resolved (published once for each, through notifier's outbox). Webhooks deliver it
 * as `alert.opened` / `alert.resolved`. `detail` is a human sentence with ids and counts, never PHI.
 */
export class AlertChangedEventV1 {
  @IsUUID('all') alertId: string;
  @IsUUID('all') hospitalId: string;
  @IsIn(ALERT_KINDS) kind: AlertKind;
  @IsIn(['open', 'resolved']) state: 'open' | 'resolved';
  @IsISO8601() openedAt: string;
  @IsOptional() @IsISO8601() resolvedAt?: string;
  @IsString() @MaxLength(2000) detail: string;
}
