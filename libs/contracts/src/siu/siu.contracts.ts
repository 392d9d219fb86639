import { GetSiuSignalsRequestV1, type SiuSignalsV1 } from '../alerts/alert-signals.v1';
import type { Rpc, RequestClasses } from '../common/rpc';
import { TestConnectionRequestV1, type ConnectionTestResultV1 } from '../connections/connection-test.v1';
import {
  GetMessageRequestV1,
  ListMessagesRequestV1,
  type MessageDetailV1,
  type MessageLogEntryV1,
  type MessageViewV1,
} from '../messages/message.v1';
import {
  GetSiuConnectionRequestV1,
  PutSiuConnectionRequestV1,
  type SiuConnectionViewV1,
} from './siu-connection.v1';
import {
  GetSiuRunRequestV1,
  ListSiuRunsRequestV1,
  ReprocessMessageRequestV1,
  StartSiuRunRequestV1,
  type SiuRunV1,
} from './siu-run.v1';
import {
  GetReprocessJobRequestV1,
  StartReprocessJobRequestV1,
  type ReprocessJobV1,
} from './reprocess-job.v1';

export interface SiuRpc {
  'siu.connection.put.v1': Rpc<PutSiuConnectionRequestV1, SiuConnectionViewV1>;
  'siu.connection.get.v1': Rpc<GetSiuConnectionRequestV1, SiuConnectionViewV1>;
  /** Self-test of the SIU source: nothing is read, moved or deleted (one probe file in the archive folder, removed at once). */
  'siu.connection.test.v1': Rpc<TestConnectionRequestV1, ConnectionTestResultV1>;
  /** Run now: answers at once with the running run (409 SIU_RUN_IN_PROGRESS when one is running). */
  'siu.run.start.v1': Rpc<StartSiuRunRequestV1, SiuRunV1>;
  'siu.run.list.v1': Rpc<ListSiuRunsRequestV1, SiuRunV1[]>;
  'siu.run.get.v1': Rpc<GetSiuRunRequestV1, SiuRunV1>;
  /** The SIU part of the message log (channel siu-file). */
  'siu.messages.list.v1': Rpc<ListMessagesRequestV1, MessageLogEntryV1[]>;
  'siu.messages.get.v1': Rpc<GetMessageRequestV1, MessageDetailV1>;
  /** A failed SIU message goes back to `received` and is processed again with the current settings. */
  'siu.message.reprocess.v1': Rpc<ReprocessMessageRequestV1, MessageViewV1>;
  /** For notifier's alerts: the schedule, its time zone and when a file last arrived. */
  'siu.signals.get.v1': Rpc<GetSiuSignalsRequestV1, SiuSignalsV1>;
  /**
   * Bulk reprocess of the failed SIU messages matching a filter, in the background; the same filter while a
   * job for it runs answers that job. 422 REPROCESS_FILTER_INVALID for channels or statuses never replayed.
   */
  'siu.reprocess-job.start.v1': Rpc<StartReprocessJobRequestV1, ReprocessJobV1>;
  'siu.reprocess-job.get.v1': Rpc<GetReprocessJobRequestV1, ReprocessJobV1>;
}

export const SIU_RPC_CLASSES: RequestClasses<SiuRpc> = {
  'siu.connection.put.v1': PutSiuConnectionRequestV1,
  'siu.connection.get.v1': GetSiuConnectionRequestV1,
  'siu.connection.test.v1': TestConnectionRequestV1,
  'siu.run.start.v1': StartSiuRunRequestV1,
  'siu.run.list.v1': ListSiuRunsRequestV1,
  'siu.run.get.v1': GetSiuRunRequestV1,
  'siu.messages.list.v1': ListMessagesRequestV1,
  'siu.messages.get.v1': GetMessageRequestV1,
  'siu.message.reprocess.v1': ReprocessMessageRequestV1,
  'siu.signals.get.v1': GetSiuSignalsRequestV1,
  'siu.reprocess-job.start.v1': StartReprocessJobRequestV1,
  'siu.reprocess-job.get.v1': GetReprocessJobRequestV1,
};
