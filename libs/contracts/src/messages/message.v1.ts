import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { KeysetPositionV1, PAGE_CURSOR_MAX_LENGTH } from '../common/keyset';

export const MESSAGE_CHANNELS = ['a19', 'webservice', 'siu-file', 'siu-mllp'] as const;
export const MESSAGE_DIRECTIONS = ['inbound', 'outbound'] as const;
export const MESSAGE_STATUSES = ['received', 'processed', 'failed', 'duplicate', 'sent', 'replied'] as const;

/** A message-log entry (PRODUCT.md "Message"); raw content only in the admin detail view. */
export class MessageViewV1 {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) hospitalId: string;
  @ApiProperty({ enum: MESSAGE_CHANNELS }) channel: (typeof MESSAGE_CHANNELS)[number];
  @ApiProperty({ enum: MESSAGE_DIRECTIONS }) direction: (typeof MESSAGE_DIRECTIONS)[number];
  @ApiProperty({ example: 'QRY^A19' }) type: string;
  @ApiPropertyOptional() controlId?: string;
  @ApiProperty({ enum: MESSAGE_STATUSES }) status: (typeof MESSAGE_STATUSES)[number];
  @ApiPropertyOptional() error?: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional() durationMs?: number;
  @ApiPropertyOptional({ format: 'uuid' }) patientId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) careFlowId?: string;
}

export interface MessageDetailV1 extends MessageViewV1 {
  raw?: string;
  reply?: string;
  ack?: string;
  summary?: Record<string, unknown>;
}

export const MESSAGE_LOG_DEFAULT_LIMIT = 100;
export const MESSAGE_LOG_MAX_LIMIT = 500;

/** Filters of GET /v1/admin/messages; each service answers for the channels it journals. */
export class MessageLogFiltersV1 {
  @IsOptional() @IsUUID('all') hospitalId?: string;
  @IsOptional() @IsIn(MESSAGE_DIRECTIONS) direction?: (typeof MESSAGE_DIRECTIONS)[number];
  @IsOptional() @IsString() @Length(1, 50) type?: string;
  @IsOptional() @IsIn(MESSAGE_STATUSES) status?: (typeof MESSAGE_STATUSES)[number];
  @IsOptional() @IsIn(MESSAGE_CHANNELS) channel?: (typeof MESSAGE_CHANNELS)[number];
  @IsOptional() @IsISO8601() from?: string;
  @IsOptional() @IsISO8601() to?: string;
  @IsOptional() @IsInt() @Min(1) @Max(MESSAGE_LOG_MAX_LIMIT) limit?: number;
}

/** The query string of GET /v1/admin/messages: the filters and the opaque cursor of the previous page. */
export class MessageLogQueryV1 extends MessageLogFiltersV1 {
  @IsOptional() @IsString() @Length(1, PAGE_CURSOR_MAX_LENGTH) cursor?: string;
}

/** One journal's part of a page: the filters and the position the page continues after. */
export class ListMessagesRequestV1 extends MessageLogFiltersV1 {
  @IsOptional() @ValidateNested() @Type(() => KeysetPositionV1) after?: KeysetPositionV1;
}

/** A journal's list entry: the view and its place in the log (the gateway makes the cursor of it). */
export interface MessageLogEntryV1 extends MessageViewV1 {
  position: KeysetPositionV1;
}

/** GET /v1/admin/messages: newest first; `nextCursor` is absent on the last page. */
export class MessageLogPageV1 {
  @ApiProperty({ type: [MessageViewV1] }) messages: MessageViewV1[];
  @ApiPropertyOptional({ description: 'Absent on the last page' }) nextCursor?: string;
}

export class GetMessageRequestV1 {
  @IsUUID('all') messageId: string;
}
