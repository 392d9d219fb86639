import { GetExchangeSignalsRequestV1, type ExchangeSignalsV1 } from '../alerts/alert-signals.v1';
import type { Rpc, RequestClasses } from '../common/rpc';
import { TestConnectionRequestV1, type ConnectionTestResultV1 } from '../connections/connection-test.v1';
import {
  GetMessageRequestV1,
  ListMessagesRequestV1,
  type MessageDetailV1,
  type MessageLogEntryV1,
} from '../messages/message.v1';
import {
  GetHl7ConnectionRequestV1,
  PutHl7ConnectionRequestV1,
  QueryDemographicsRequestV1,
  type Hl7ConnectionViewV1,
  type QueryDemographicsResultV1,
} from './hl7.rpc.v1';

export interface Hl7Rpc {
  'hl7.connection.put.v1': Rpc<PutHl7ConnectionRequestV1, Hl7ConnectionViewV1>;
  'hl7.connection.get.v1': Rpc<GetHl7ConnectionRequestV1, Hl7ConnectionViewV1>;
  'hl7.demographics.query.v1': Rpc<QueryDemographicsRequestV1, QueryDemographicsResultV1>;
  /** Self-test of the HL7 connection: nothing is imported or journaled as an import. */
  'hl7.connection.test.v1': Rpc<TestConnectionRequestV1, ConnectionTestResultV1>;
  /** The real-time SIU listener's part of the SIU self-test: bound, accepting, who may connect, TLS. */
  'hl7.siu-listener.test.v1': Rpc<TestConnectionRequestV1, ConnectionTestResultV1>;
  /** The HL7 journal's part of the message log. */
  'hl7.messages.list.v1': Rpc<ListMessagesRequestV1, MessageLogEntryV1[]>;
  'hl7.messages.get.v1': Rpc<GetMessageRequestV1, MessageDetailV1>;
  /** For notifier's alerts: newest query outcomes and the listener's last message. */
  'hl7.signals.get.v1': Rpc<GetExchangeSignalsRequestV1, ExchangeSignalsV1>;
}

export const HL7_RPC_CLASSES: RequestClasses<Hl7Rpc> = {
  'hl7.connection.put.v1': PutHl7ConnectionRequestV1,
  'hl7.connection.get.v1': GetHl7ConnectionRequestV1,
  'hl7.demographics.query.v1': QueryDemographicsRequestV1,
  'hl7.connection.test.v1': TestConnectionRequestV1,
  'hl7.siu-listener.test.v1': TestConnectionRequestV1,
  'hl7.messages.list.v1': ListMessagesRequestV1,
  'hl7.messages.get.v1': GetMessageRequestV1,
  'hl7.signals.get.v1': GetExchangeSignalsRequestV1,
};
