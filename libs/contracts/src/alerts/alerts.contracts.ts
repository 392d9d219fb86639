import type { RequestClasses } from '../common/rpc';

/** Alert rules and alerts (notifier). */
export interface AlertsRpc {}

export const ALERTS_RPC_CLASSES: RequestClasses<AlertsRpc> = {};
