import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateNested,
} from 'class-validator';
import { MESSAGE_CHANNELS, MESSAGE_STATUSES } from '../messages/message.v1';

/** Which messages a bulk reprocess replays (the message log's filters; the hospital is required). */
export class ReprocessFilterV1 {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') hospitalId: string;
  @ApiPropertyOptional({ enum: MESSAGE_CHANNELS })
  @IsOptional()
  @IsIn(MESSAGE_CHANNELS)
  channel?: (typeof MESSAGE_CHANNELS)[number];
  @ApiPropertyOptional({ enum: MESSAGE_STATUSES })
  @IsOptional()
  @IsIn(MESSAGE_STATUSES)
  status?: (typeof MESSAGE_STATUSES)[number];
  @ApiPropertyOptional({ example: 'SIU^S12' }) @IsOptional() @IsString() @Length(1, 50) type?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601() to?: string;
}

/** `POST /v1/admin/messages/reprocess`. */
export class StartReprocessJobRequestV1 {
  @ApiProperty({ type: ReprocessFilterV1 })
  @IsObject()
  @ValidateNested()
  @Type(() => ReprocessFilterV1)
  filter: ReprocessFilterV1;
}

export class GetReprocessJobRequestV1 {
  @IsUUID('all') jobId: string;
}

export const REPROCESS_JOB_STATES = ['running', 'done'] as const;

/**
 * A bulk reprocess job. `total` messages matched when it started; `done` were replayed, `failed` could not
 * be (no longer failed, already replayed by an overlapping job, or their body removed by retention).
 * It has finished when done + failed = total.
 */
export interface ReprocessJobV1 {
  jobId: string;
  hospitalId: string;
  state: (typeof REPROCESS_JOB_STATES)[number];
  total: number;
  done: number;
  failed: number;
  filter: ReprocessFilterV1;
  createdAt: string;
  finishedAt?: string;
}
