import { Controller } from '@nestjs/common';
import type {
  GetMessageRequestV1,
  GetWebServiceConnectionRequestV1,
  ListMessagesRequestV1,
  MessageDetailV1,
  MessageLogEntryV1,
  PutWebServiceConnectionRequestV1,
  WebServiceConnectionViewV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { WebServiceConnectionsService } from './webservice-connections.service';
import { WebServiceJournalService } from './webservice-journal.service';

@Controller()
export class WebServiceHandler {
  constructor(
    private readonly connections: WebServiceConnectionsService,
    private readonly journal: WebServiceJournalService,
  ) {}

  @MessagePattern('imports.webservice-connection.put.v1')
  put(@Payload() request: PutWebServiceConnectionRequestV1): Promise<WebServiceConnectionViewV1> {
    return this.connections.put(request.hospitalId, request.connection, {
      dryRun: request.dryRun,
      keepSecrets: request.keepSecrets,
    });
  }

  @MessagePattern('imports.webservice-connection.get.v1')
  get(@Payload() request: GetWebServiceConnectionRequestV1): Promise<WebServiceConnectionViewV1> {
    return this.connections.get(request.hospitalId);
  }

  @MessagePattern('imports.messages.list.v1')
  listMessages(@Payload() request: ListMessagesRequestV1): Promise<MessageLogEntryV1[]> {
    return this.journal.list(request);
  }

  @MessagePattern('imports.messages.get.v1')
  getMessage(@Payload() request: GetMessageRequestV1): Promise<MessageDetailV1> {
    return this.journal.get(request.messageId);
  }
}
