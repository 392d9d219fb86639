import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsDateString,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';

/** `<resource>.<verb>`, lower case: `patient.read`, `connection.hl7.changed`, `api-client.created`. */
export const AUDIT_ACTION_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;
export const AUDIT_ACTOR_KINDS = ['client', 'user'] as const;
/** The most events one request may record: a page of patients read at once. */
export const AUDIT_EVENTS_PER_RECORD = 500;

export class AuditActorV1 {
  @IsIn(AUDIT_ACTOR_KINDS) kind: (typeof AUDIT_ACTOR_KINDS)[number];
  @IsString() @Length(1, 200) id: string;
}

/** What was read or changed: a type and the id of one row. Never a value. */
export class AuditResourceV1 {
  @IsString() @Matches(/^[a-z][a-z0-9-]*$/) @Length(1, 50) type: string;
  @IsString() @Length(1, 200) id: string;
}

/** One audited read or change, as the gateway saw it succeed. Ids only: no values, no PHI. */
export class AuditEventInputV1 {
  @IsUUID('all') hospitalId: string;
  @ValidateNested() @Type(() => AuditActorV1) actor: AuditActorV1;
  @IsString() @Matches(AUDIT_ACTION_PATTERN) @Length(3, 100) action: string;
  @ValidateNested() @Type(() => AuditResourceV1) resource: AuditResourceV1;
  @IsString() @Length(1, 100) correlationId: string;
  @IsISO8601() at: string;
}

export class RecordAuditEventsRequestV1 {
  @ArrayMinSize(1)
  @ArrayMaxSize(AUDIT_EVENTS_PER_RECORD)
  @ValidateNested({ each: true })
  @Type(() => AuditEventInputV1)
  events: AuditEventInputV1[];
}

export interface RecordAuditEventsResultV1 {
  recorded: number;
}

/** Query of `GET /v1/admin/hospitals/{hospitalId}/audit-events`. */
export class AuditEventsQueryV1 {
  @ApiPropertyOptional({ example: 'patient.read' })
  @IsOptional()
  @IsString()
  @Matches(AUDIT_ACTION_PATTERN)
  action?: string;

  @ApiPropertyOptional({ description: 'The actor id, or kind:id (client:… / user:…)' })
  @IsOptional()
  @IsString()
  @Length(1, 210)
  actor?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsDateString() from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsDateString() to?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,40}$/)
  cursor?: string;
}

export class ListAuditEventsRequestV1 extends AuditEventsQueryV1 {
  @IsUUID('all') hospitalId: string;
}

export interface AuditEventViewV1 {
  id: string;
  at: string;
  actor: { kind: (typeof AUDIT_ACTOR_KINDS)[number]; id: string };
  action: string;
  resource: { type: string; id: string };
  correlationId: string;
}

export interface AuditEventsPageV1 {
  events: AuditEventViewV1[];
  /** Absent on the last page. */
  nextCursor?: string;
}
