import type { Rpc, RequestClasses } from '../common/rpc';
import {
  ApplyAppointmentMessagesRequestV1,
  type ApplyAppointmentMessagesResultV1,
} from './appointments.rpc.v1';

export interface AppointmentsRpc {
  'appointments.apply.v1': Rpc<ApplyAppointmentMessagesRequestV1, ApplyAppointmentMessagesResultV1>;
}

export const APPOINTMENTS_RPC_CLASSES: RequestClasses<AppointmentsRpc> = {
  'appointments.apply.v1': ApplyAppointmentMessagesRequestV1,
};
