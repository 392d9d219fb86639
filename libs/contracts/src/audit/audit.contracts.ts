import type { Rpc, RequestClasses } from '../common/rpc';
import {
  ListAuditEventsRequestV1,
  RecordAuditEventsRequestV1,
  type AuditEventsPageV1,
  type RecordAuditEventsResultV1,
} from './audit.rpc.v1';

/** The audit trail, kept by user-provisioning (ARCHITECTURE.md): recorded by the gateway, read per hospital. */
export interface AuditRpc {
  'audit.events.record.v1': Rpc<RecordAuditEventsRequestV1, RecordAuditEventsResultV1>;
  'audit.events.list.v1': Rpc<ListAuditEventsRequestV1, AuditEventsPageV1>;
}

export const AUDIT_RPC_CLASSES: RequestClasses<AuditRpc> = {
  'audit.events.record.v1': RecordAuditEventsRequestV1,
  'audit.events.list.v1': ListAuditEventsRequestV1,
};
