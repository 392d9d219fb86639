import { Controller } from '@nestjs/common';
import type {
  AppointmentMessageResultV1,
  ApplyAppointmentMessagesRequestV1,
  ApplyAppointmentMessagesRequestV2,
  ApplyAppointmentMessagesResultV1,
  ApplyAppointmentMessagesResultV2,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AppointmentsService } from './appointments.service';

@Controller()
export class AppointmentsHandler {
  constructor(private readonly appointments: AppointmentsService) {}

  @MessagePattern('appointments.apply.v2')
  async apply(
    @Payload() request: ApplyAppointmentMessagesRequestV2,
  ): Promise<ApplyAppointmentMessagesResultV2> {
    return { results: await this.appointments.apply(request.hospitalId, request.messages) };
  }

  /** A siu-ingestor of the previous release: its messages carry no key, so none is answered as a duplicate. */
  @MessagePattern('appointments.apply.v1')
  async applyV1(
    @Payload() request: ApplyAppointmentMessagesRequestV1,
  ): Promise<ApplyAppointmentMessagesResultV1> {
    const results = await this.appointments.apply(request.hospitalId, request.messages);
    return { results: results as AppointmentMessageResultV1[] };
  }
}
