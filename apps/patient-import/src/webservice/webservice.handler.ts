import { Injectable } from '@nestjs/common';
import type {
  GetMessageRequestV1,
  GetWebServiceConnectionRequestV1,
  ListMessagesRequestV1,
  MessageDetailV1,
  MessageViewV1,
  PutWebServiceConnectionRequestV1,
  WebServiceConnectionViewV1,
} from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { WebServiceConnectionsService } from './webservice-connections.service';
import { WebServiceJournalService } from './webservice-journal.service';

@Injectable()
export class WebServiceHandler {
  constructor(
    private readonly connections: WebServiceConnectionsService,
    private readonly journal: WebServiceJournalService,
  ) {}

  @RpcHandler('imports.webservice-connection.put.v1')
  put(request: PutWebServiceConnectionRequestV1): Promise<WebServiceConnectionViewV1> {
    return this.connections.put(request.hospitalId, request.connection);
  }

  @RpcHandler('imports.webservice-connection.get.v1')
  get(request: GetWebServiceConnectionRequestV1): Promise<WebServiceConnectionViewV1> {
    return this.connections.get(request.hospitalId);
  }

  @RpcHandler('imports.messages.list.v1')
  listMessages(request: ListMessagesRequestV1): Promise<MessageViewV1[]> {
    return this.journal.list(request);
  }

  @RpcHandler('imports.messages.get.v1')
  getMessage(request: GetMessageRequestV1): Promise<MessageDetailV1> {
    return this.journal.get(request.messageId);
  }
}
