import type { RequestClasses } from '../common/rpc';

/** Alert rules and alerts (notifier). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- its patterns arrive with the feature
export interface AlertsRpc {}

export const ALERTS_RPC_CLASSES: RequestClasses<AlertsRpc> = {};
