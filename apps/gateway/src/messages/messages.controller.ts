import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireScopes, ScopesGuard } from '@bridge/auth';
import {
  MESSAGE_CHANNELS,
  MESSAGE_DIRECTIONS,
  MESSAGE_LOG_DEFAULT_LIMIT,
  MESSAGE_LOG_MAX_LIMIT,
  MESSAGE_STATUSES,
  MessageLogPageV1,
  MessageLogQueryV1,
} from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { getMessage, listMessages } from './message-log.fan-out';
import { Audited, param } from '../audit/audited';

/** The message log of every journaled exchange (HL7 queries, web-service calls). Raw content: detail only. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/messages')
export class MessagesController {
  constructor(private readonly bus: Bus) {}

  @Get()
  @ApiOperation({
    summary: 'Message log, newest first (no raw content), a page at a time (nextCursor for the next page)',
  })
  @ApiQuery({ name: 'hospitalId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'channel', required: false, enum: MESSAGE_CHANNELS })
  @ApiQuery({ name: 'direction', required: false, enum: MESSAGE_DIRECTIONS })
  @ApiQuery({ name: 'type', required: false, example: 'QRY^A19' })
  @ApiQuery({ name: 'status', required: false, enum: MESSAGE_STATUSES })
  @ApiQuery({ name: 'from', required: false, schema: { type: 'string', format: 'date-time' } })
  @ApiQuery({ name: 'to', required: false, schema: { type: 'string', format: 'date-time' } })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: {
      type: 'integer',
      minimum: 1,
      maximum: MESSAGE_LOG_MAX_LIMIT,
      default: MESSAGE_LOG_DEFAULT_LIMIT,
    },
  })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ type: MessageLogPageV1 })
  list(@Query() query: MessageLogQueryV1) {
    // The global PayloadPipe validates the query string against the list query (strings converted).
    return listMessages(this.bus, query);
  }

  @Get(':messageId')
  @Audited('message.raw.read', 'message', param('messageId'))
  @ApiOperation({ summary: 'One message: raw out, raw reply, parsed summary, status, error' })
  get(@Param('messageId', ResourceIdPipe) messageId: string) {
    return getMessage(this.bus, messageId);
  }
}
