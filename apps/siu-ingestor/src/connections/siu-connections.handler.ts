import { Controller } from '@nestjs/common';
import type {
  GetSiuConnectionRequestV1,
  PutSiuConnectionRequestV1,
  SiuConnectionViewV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { SiuConnectionsService } from './siu-connections.service';

@Controller()
export class SiuConnectionsHandler {
  constructor(private readonly connections: SiuConnectionsService) {}

  @MessagePattern('siu.connection.put.v1')
  put(@Payload() request: PutSiuConnectionRequestV1): Promise<SiuConnectionViewV1> {
    return this.connections.put(request.hospitalId, request.connection, {
      dryRun: request.dryRun,
      keepSecrets: request.keepSecrets,
    });
  }

  @MessagePattern('siu.connection.get.v1')
  get(@Payload() request: GetSiuConnectionRequestV1): Promise<SiuConnectionViewV1> {
    return this.connections.get(request.hospitalId);
  }
}
