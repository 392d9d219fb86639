import { Controller } from '@nestjs/common';
import type {
  GetHl7ConnectionRequestV1,
  Hl7ConnectionViewV1,
  PutHl7ConnectionRequestV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ConnectionsService } from './connections.service';

@Controller()
export class ConnectionsHandler {
  constructor(private readonly connections: ConnectionsService) {}

  @MessagePattern('hl7.connection.put.v1')
  put(@Payload() request: PutHl7ConnectionRequestV1): Promise<Hl7ConnectionViewV1> {
    return this.connections.put(request.hospitalId, request.connection, request.dryRun);
  }

  @MessagePattern('hl7.connection.get.v1')
  get(@Payload() request: GetHl7ConnectionRequestV1): Promise<Hl7ConnectionViewV1> {
    return this.connections.get(request.hospitalId);
  }
}
