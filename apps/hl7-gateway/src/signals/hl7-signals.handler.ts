import { Controller } from '@nestjs/common';
import type { ExchangeSignalsV1, GetExchangeSignalsRequestV1 } from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Hl7SignalsRepository } from './hl7-signals.repository';

@Controller()
export class Hl7SignalsHandler {
  constructor(private readonly signals: Hl7SignalsRepository) {}

  @MessagePattern('hl7.signals.get.v1')
  get(@Payload() request: GetExchangeSignalsRequestV1): Promise<ExchangeSignalsV1> {
    return this.signals.forHospital(request.hospitalId, request.limit ?? 100);
  }
}
