import { Controller } from '@nestjs/common';
import type {
  GetMessageRequestV1,
  ListMessagesRequestV1,
  MessageDetailV1,
  MessageLogEntryV1,
  MessageViewV1,
  ReprocessMessageRequestV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { SiuMessageLogService } from './siu-message-log.service';

@Controller()
export class SiuMessagesHandler {
  constructor(private readonly log: SiuMessageLogService) {}

  @MessagePattern('siu.messages.list.v1')
  list(@Payload() request: ListMessagesRequestV1): Promise<MessageLogEntryV1[]> {
    return this.log.list(request);
  }

  @MessagePattern('siu.messages.get.v1')
  get(@Payload() request: GetMessageRequestV1): Promise<MessageDetailV1> {
    return this.log.get(request.messageId);
  }

  @MessagePattern('siu.message.reprocess.v1')
  reprocess(@Payload() request: ReprocessMessageRequestV1): Promise<MessageViewV1> {
    return this.log.reprocess(request.messageId);
  }
}
