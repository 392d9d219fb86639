import { Controller } from '@nestjs/common';
import type { GetSiuSignalsRequestV1, SiuSignalsV1 } from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { SiuSignalsRepository } from './siu-signals.repository';

@Controller()
export class SiuSignalsHandler {
  constructor(private readonly signals: SiuSignalsRepository) {}

  @MessagePattern('siu.signals.get.v1')
  get(@Payload() request: GetSiuSignalsRequestV1): Promise<SiuSignalsV1> {
    return this.signals.forHospital(request.hospitalId);
  }
}
