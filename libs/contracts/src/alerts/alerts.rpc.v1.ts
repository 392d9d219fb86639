import { IsDryRun } from '../common/config-write';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';
import { ALERT_KINDS, type AlertKind } from './alerts.events.v1';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const ALERT_STATES = ['open', 'resolved'] as const;

/**
 * One alert rule of a hospital. Which settings a kind takes (the others are refused, 400):
 * - `dead-letters`: none (opens while a dead-letter queue holds a message of the hospital);
 * - `siu-file-missing`: `graceMinutes` (default 30), `closedDays`, `holidays` (dates in the hospital's
 *   time zone) — the expected times are the SIU connection's cron `schedule` in its `timezone`;
 * - `hospital-unreachable`: `consecutiveFailures` (default 3) of HL7 or web-service exchanges;
 * - `error-rate`: `threshold` (failed share 0..1, default 0.5), `windowMinutes` (default 15),
 *   `minMessages` (default 10);
 * - `listener-silent`: `openingHours` ("07:00-19:00"), `days` (default mon..fri), `silentMinutes`
 *   (default 60): no real-time SIU message that long while open, in the SIU connection's timezone.
 */
export class AlertRuleV1 {
  @ApiProperty({ enum: ALERT_KINDS }) @IsIn(ALERT_KINDS) kind: AlertKind;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(1440) graceMinutes?: number;
  @ApiPropertyOptional({ enum: WEEKDAYS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsIn(WEEKDAYS, { each: true })
  closedDays?: Weekday[];
  @ApiPropertyOptional({ example: ['2026-12-25'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(366)
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, {
    each: true,
    message: 'holidays must be YYYY-MM-DD dates',
  })
  holidays?: string[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(100) consecutiveFailures?: number;
  @ApiPropertyOptional({ description: 'failed share, 0..1' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  threshold?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(1440) windowMinutes?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(100000) minMessages?: number;
  @ApiPropertyOptional({ example: '07:00-19:00' })
  @IsOptional()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, {
    message: 'openingHours must be HH:MM-HH:MM',
  })
  openingHours?: string;
  @ApiPropertyOptional({ enum: WEEKDAYS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsIn(WEEKDAYS, { each: true })
  days?: Weekday[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(10080) silentMinutes?: number;
}

/** Body of `PUT /v1/admin/hospitals/{hospitalId}/alert-rules`: replaces every rule of the hospital. */
export class AlertRulesInputV1 {
  @ApiProperty({ type: [AlertRuleV1] })
  @IsArray()
  @ArrayMaxSize(ALERT_KINDS.length)
  @ValidateNested({ each: true })
  @Type(() => AlertRuleV1)
  rules: AlertRuleV1[];
}

export class PutAlertRulesRequestV1 extends HospitalScopedV1 {
  @ValidateNested() @Type(() => AlertRulesInputV1) input: AlertRulesInputV1;
  /** Check everything, store nothing (a configuration document's dry run). */
  @IsDryRun() dryRun?: boolean;
}

export class GetAlertRulesRequestV1 extends HospitalScopedV1 {}

/** The rules as stored, every default filled in. */
export interface AlertRulesViewV1 {
  hospitalId: string;
  rules: AlertRuleV1[];
  updatedAt?: string;
}

export class ListAlertsRequestV1 {
  @ApiPropertyOptional({ enum: ALERT_STATES })
  @IsOptional()
  @IsIn(ALERT_STATES)
  state?: (typeof ALERT_STATES)[number];
  @ApiPropertyOptional() @IsOptional() @IsUUID('all') hospitalId?: string;
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
}

export interface AlertV1 {
  id: string;
  hospitalId: string;
  kind: AlertKind;
  state: (typeof ALERT_STATES)[number];
  openedAt: string;
  resolvedAt?: string;
  /** A sentence with ids and counts, never PHI. */
  detail: string;
}

export interface AlertsPageV1 {
  alerts: AlertV1[];
}
