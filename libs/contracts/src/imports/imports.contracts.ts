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
  ConfirmImportRequestV1,
  GetImportSourceRequestV1,
  GetWebServiceConnectionRequestV1,
  type ImportSourceViewV1,
  LookupImportRequestV1,
  PutImportSourceRequestV1,
  PutWebServiceConnectionRequestV1,
  type ConfirmImportResultV1,
  type ImportSessionV1,
  type WebServiceConnectionViewV1,
} from './imports.rpc.v1';

export interface ImportsRpc {
  'imports.webservice-connection.put.v1': Rpc<PutWebServiceConnectionRequestV1, WebServiceConnectionViewV1>;
  'imports.webservice-connection.get.v1': Rpc<GetWebServiceConnectionRequestV1, WebServiceConnectionViewV1>;
  'imports.source.put.v1': Rpc<
    PutImportSourceRequestV1,
    { hospitalId: string; source: 'webservice' | 'hl7' }
  >;
  'imports.source.get.v1': Rpc<GetImportSourceRequestV1, ImportSourceViewV1>;
  'imports.lookup.v1': Rpc<LookupImportRequestV1, ImportSessionV1>;
  /** Self-test of the web-service connection: a harmless lookup, nothing imported or journaled as an import. */
  'imports.webservice-connection.test.v1': Rpc<TestConnectionRequestV1, ConnectionTestResultV1>;
  'imports.confirm.v1': Rpc<ConfirmImportRequestV1, ConfirmImportResultV1>;
  /** The web-service journal's part of the message log. */
  'imports.messages.list.v1': Rpc<ListMessagesRequestV1, MessageLogEntryV1[]>;
  'imports.messages.get.v1': Rpc<GetMessageRequestV1, MessageDetailV1>;
  /** For notifier's alerts: newest web-service exchange outcomes. */
  'imports.signals.get.v1': Rpc<GetExchangeSignalsRequestV1, ExchangeSignalsV1>;
}

export const IMPORTS_RPC_CLASSES: RequestClasses<ImportsRpc> = {
  'imports.webservice-connection.put.v1': PutWebServiceConnectionRequestV1,
  'imports.webservice-connection.get.v1': GetWebServiceConnectionRequestV1,
  'imports.source.put.v1': PutImportSourceRequestV1,
  'imports.source.get.v1': GetImportSourceRequestV1,
  'imports.lookup.v1': LookupImportRequestV1,
  'imports.webservice-connection.test.v1': TestConnectionRequestV1,
  'imports.confirm.v1': ConfirmImportRequestV1,
  'imports.messages.list.v1': ListMessagesRequestV1,
  'imports.messages.get.v1': GetMessageRequestV1,
  'imports.signals.get.v1': GetExchangeSignalsRequestV1,
};
