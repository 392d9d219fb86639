import type { Rpc, RequestClasses } from '../common/rpc';
import {
  GetRetentionRequestV1,
  ListRetentionRequestV1,
  PutRetentionRequestV1,
  type RetentionPolicyV1,
  type RetentionViewV1,
} from './retention.v1';

export interface RetentionRpc {
  /** 422 RETENTION_INVALID when bodies would outlive their messages. */
  'tenancy.retention.put.v1': Rpc<PutRetentionRequestV1, RetentionViewV1>;
  'tenancy.retention.get.v1': Rpc<GetRetentionRequestV1, RetentionViewV1>;
  /** Every hospital's retention, asked by each journal's retention job. */
  'tenancy.retention.list.v1': Rpc<ListRetentionRequestV1, RetentionPolicyV1>;
}

export const RETENTION_RPC_CLASSES: RequestClasses<RetentionRpc> = {
  'tenancy.retention.put.v1': PutRetentionRequestV1,
  'tenancy.retention.get.v1': GetRetentionRequestV1,
  'tenancy.retention.list.v1': ListRetentionRequestV1,
};
