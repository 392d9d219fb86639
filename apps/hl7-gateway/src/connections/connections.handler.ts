import { Injectable } from '@nestjs/common';
import type {
  GetHl7ConnectionRequestV1,
  Hl7ConnectionViewV1,
  PutHl7ConnectionRequestV1,
} from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { ConnectionsService } from './connections.service';

@Injectable()
export class ConnectionsHandler {
  constructor(private readonly connections: ConnectionsService) {}

  @RpcHandler('hl7.connection.put.v1')
  put(request: PutHl7ConnectionRequestV1): Promise<Hl7ConnectionViewV1> {
    return this.connections.put(request.hospitalId, request.connection);
  }

  @RpcHandler('hl7.connection.get.v1')
  get(request: GetHl7ConnectionRequestV1): Promise<Hl7ConnectionViewV1> {
    return this.connections.get(request.hospitalId);
  }
}
