import { Injectable } from '@nestjs/common';
import type {
  GetMessageRequestV1,
  ListMessagesRequestV1,
  MessageDetailV1,
  MessageViewV1,
  ReprocessMessageRequestV1,
} from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { SiuMessageLogService } from './siu-message-log.service';

@Injectable()
export class SiuMessagesHandler {
  constructor(private readonly log: SiuMessageLogService) {}

  @RpcHandler('siu.messages.list.v1')
  list(request: ListMessagesRequestV1): Promise<MessageViewV1[]> {
    return this.log.list(request);
  }

  @RpcHandler('siu.messages.get.v1')
  get(request: GetMessageRequestV1): Promise<MessageDetailV1> {
    return this.log.get(request.messageId);
  }

  @RpcHandler('siu.message.reprocess.v1')
  reprocess(request: ReprocessMessageRequestV1): Promise<MessageViewV1> {
    return this.log.reprocess(request.messageId);
  }
}
