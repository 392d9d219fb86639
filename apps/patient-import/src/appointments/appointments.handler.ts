import { Controller } from '@nestjs/common';
import type { ApplyAppointmentMessagesRequestV1, ApplyAppointmentMessagesResultV1 } from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AppointmentsService } from './appointments.service';

@Controller()
export class AppointmentsHandler {
  constructor(private readonly appointments: AppointmentsService) {}

  @MessagePattern('appointments.apply.v1')
  async apply(
    @Payload() request: ApplyAppointmentMessagesRequestV1,
  ): Promise<ApplyAppointmentMessagesResultV1> {
    return { results: await this.appointments.apply(request.hospitalId, request.messages) };
  }
}
