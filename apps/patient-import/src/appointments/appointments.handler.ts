import { Injectable } from '@nestjs/common';
import type { ApplyAppointmentMessagesRequestV1, ApplyAppointmentMessagesResultV1 } from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { AppointmentsService } from './appointments.service';

@Injectable()
export class AppointmentsHandler {
  constructor(private readonly appointments: AppointmentsService) {}

  @RpcHandler('appointments.apply.v1')
  async apply(request: ApplyAppointmentMessagesRequestV1): Promise<ApplyAppointmentMessagesResultV1> {
    return { results: await this.appointments.apply(request.hospitalId, request.messages) };
  }
}
