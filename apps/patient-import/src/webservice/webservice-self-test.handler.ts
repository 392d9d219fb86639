import { Controller } from '@nestjs/common';
import type { ConnectionTestResultV1, TestConnectionRequestV1 } from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { WebServiceSelfTestService } from './webservice-self-test.service';

@Controller()
export class WebServiceSelfTestHandler {
  constructor(private readonly selfTest: WebServiceSelfTestService) {}

  @MessagePattern('imports.webservice-connection.test.v1')
  test(@Payload() request: TestConnectionRequestV1): Promise<ConnectionTestResultV1> {
    return this.selfTest.test(request.hospitalId, request.patientCode);
  }
}
