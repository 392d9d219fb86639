import { IsIn, IsISO8601, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';

export const MESSAGE_CHANNELS = ['a19', 'webservice', 'siu-file', 'siu-mllp'] as const;
export const MESSAGE_DIRECTIONS = ['inbound', 'outbound'] as const;
export const MESSAGE_STATUSES = ['received', 'processed', 'failed', 'duplicate', 'sent', 'replied'] as const;

/** A message-log entry (PRODUCT.md "Message"); raw content only in the admin detail view. */
export interface MessageViewV1 {
  id: string;
  hospitalId: string;
  channel: (typeof MESSAGE_CHANNELS)[number];
  direction: (typeof MESSAGE_DIRECTIONS)[number];
  type: string;
  controlId?: string;
  status: (typeof MESSAGE_STATUSES)[number];
  error?: string;
  createdAt: string;
  durationMs?: number;
  patientId?: string;
  careFlowId?: string;
}

export interface MessageDetailV1 extends MessageViewV1 {
  raw?: string;
  reply?: string;
  ack?: string;
  summary?: Record<string, unknown>;
}

/** Filters of GET /v1/admin/messages; each service answers for the channels it journals. */
export class ListMessagesRequestV1 {
  @IsOptional() @IsUUID('all') hospitalId?: string;
  @IsOptional() @IsIn(MESSAGE_DIRECTIONS) direction?: (typeof MESSAGE_DIRECTIONS)[number];
  @IsOptional() @IsString() @Length(1, 50) type?: string;
  @IsOptional() @IsIn(MESSAGE_STATUSES) status?: (typeof MESSAGE_STATUSES)[number];
  @IsOptional() @IsIn(MESSAGE_CHANNELS) channel?: (typeof MESSAGE_CHANNELS)[number];
  @IsOptional() @IsISO8601() from?: string;
  @IsOptional() @IsISO8601() to?: string;
  @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
}

export class GetMessageRequestV1 {
  @IsUUID('all') messageId: string;
}
