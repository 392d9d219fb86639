import { Controller } from '@nestjs/common';
import type { ExchangeSignalsV1, GetExchangeSignalsRequestV1 } from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { WebServiceSignalsRepository } from './webservice-signals.repository';

@Controller()
export class WebServiceSignalsHandler {
  constructor(private readonly signals: WebServiceSignalsRepository) {}

  @MessagePattern('imports.signals.get.v1')
  get(@Payload() request: GetExchangeSignalsRequestV1): Promise<ExchangeSignalsV1> {
    return this.signals.forHospital(request.hospitalId, request.limit ?? 100);
  }
}
