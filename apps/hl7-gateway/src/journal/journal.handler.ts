import { Controller } from '@nestjs/common';
import type {
  GetMessageRequestV1,
  ListMessagesRequestV1,
  MessageDetailV1,
  MessageLogEntryV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { JournalService } from './journal.service';

@Controller()
export class JournalHandler {
  constructor(private readonly journal: JournalService) {}

  @MessagePattern('hl7.messages.list.v1')
  list(@Payload() request: ListMessagesRequestV1): Promise<MessageLogEntryV1[]> {
    return this.journal.list(request);
  }

  @MessagePattern('hl7.messages.get.v1')
  get(@Payload() request: GetMessageRequestV1): Promise<MessageDetailV1> {
    return this.journal.get(request.messageId);
  }
}
