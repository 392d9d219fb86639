import type { Rpc, RequestClasses } from '../common/rpc';
import {
  ApplyAppointmentMessagesRequestV1,
  type ApplyAppointmentMessagesResultV1,
} from './appointments.rpc.v1';
import {
  ApplyAppointmentMessagesRequestV2,
  type ApplyAppointmentMessagesResultV2,
} from './appointments.rpc.v2';

export interface AppointmentsRpc {
  'appointments.apply.v1': Rpc<ApplyAppointmentMessagesRequestV1, ApplyAppointmentMessagesResultV1>;
  'appointments.apply.v2': Rpc<ApplyAppointmentMessagesRequestV2, ApplyAppointmentMessagesResultV2>;
}

export const APPOINTMENTS_RPC_CLASSES: RequestClasses<AppointmentsRpc> = {
  'appointments.apply.v1': ApplyAppointmentMessagesRequestV1,
  'appointments.apply.v2': ApplyAppointmentMessagesRequestV2,
};
