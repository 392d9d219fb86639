import { Controller } from '@nestjs/common';
import type { ConnectionTestResultV1, TestConnectionRequestV1 } from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { SiuSelfTestService } from './siu-self-test.service';

@Controller()
export class SiuSelfTestHandler {
  constructor(private readonly selfTest: SiuSelfTestService) {}

  @MessagePattern('siu.connection.test.v1')
  test(@Payload() request: TestConnectionRequestV1): Promise<ConnectionTestResultV1> {
    return this.selfTest.test(request.hospitalId);
  }
}
