import { Controller } from '@nestjs/common';
import type { ConnectionTestResultV1, TestConnectionRequestV1 } from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Hl7SelfTestService } from './hl7-self-test.service';

@Controller()
export class Hl7SelfTestHandler {
  constructor(private readonly selfTest: Hl7SelfTestService) {}

  @MessagePattern('hl7.connection.test.v1')
  test(@Payload() request: TestConnectionRequestV1): Promise<ConnectionTestResultV1> {
    return this.selfTest.test(request.hospitalId, request.patientCode);
  }
}
