/** What an @Audited route declares, read by AuditInterceptor: apart from audited.ts, which binds the interceptor. */
import type { Principal } from '@bridge/contracts';

export const AUDITED = 'bridge:audited';

/** What an audited route saw: its route params, its verified caller and what it answered. */
export interface AuditedCall {
  params: Record<string, string | undefined>;
  principal: Principal;
  // The handler's answer, whatever its type: targets pick ids out of it.
  result: unknown;
}

/** Picks the id(s) of what was read or changed; several ids give one event each (a page of patients). */
export type AuditTarget = (call: AuditedCall) => string | readonly string[] | undefined;

export interface AuditSpec {
  action: string;
  resourceType: string;
  resource: AuditTarget;
  hospital: AuditTarget;
}
