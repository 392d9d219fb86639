import { Injectable } from '@nestjs/common';
import type {
  GetSiuConnectionRequestV1,
  PutSiuConnectionRequestV1,
  SiuConnectionViewV1,
  SiuListenerV1,
} from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { SiuConnectionsRepository } from './siu-connections.repository';
import { SiuConnectionsService } from './siu-connections.service';

@Injectable()
export class SiuConnectionsHandler {
  constructor(
    private readonly connections: SiuConnectionsService,
    private readonly repository: SiuConnectionsRepository,
  ) {}

  @RpcHandler('siu.connection.put.v1')
  put(request: PutSiuConnectionRequestV1): Promise<SiuConnectionViewV1> {
    return this.connections.put(request.hospitalId, request.connection);
  }

  @RpcHandler('siu.connection.get.v1')
  get(request: GetSiuConnectionRequestV1): Promise<SiuConnectionViewV1> {
    return this.connections.get(request.hospitalId);
  }

  @RpcHandler('siu.listeners.list.v1')
  listeners(): Promise<SiuListenerV1[]> {
    return this.repository.listeners();
  }
}
