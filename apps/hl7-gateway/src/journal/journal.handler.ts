import { Injectable } from '@nestjs/common';
import type {
  GetMessageRequestV1,
  ListMessagesRequestV1,
  MessageDetailV1,
  MessageViewV1,
} from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { JournalService } from './journal.service';

@Injectable()
export class JournalHandler {
  constructor(private readonly journal: JournalService) {}

  @RpcHandler('hl7.messages.list.v1')
  list(request: ListMessagesRequestV1): Promise<MessageViewV1[]> {
    return this.journal.list(request);
  }

  @RpcHandler('hl7.messages.get.v1')
  get(request: GetMessageRequestV1): Promise<MessageDetailV1> {
    return this.journal.get(request.messageId);
  }
}
