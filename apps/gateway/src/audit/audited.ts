import { SetMetadata } from '@nestjs/common';
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

/** The route parameter of that name, e.g. `param('patientId')`. */
export const param =
  (name: string): AuditTarget =>
  ({ params }) =>
    params[name];

/** A field of the answer, e.g. `field('importId')`. */
export const field =
  (name: string): AuditTarget =>
  ({ result }) => {
    const value = (result as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value : undefined;
  };

/** The `id` of every element of a list in the answer, e.g. `ids('patients')` for a search page. */
export const ids =
  (list: string): AuditTarget =>
  ({ result }) => {
    const items = (result as Record<string, unknown> | undefined)?.[list];
    return Array.isArray(items) ? items.map((item: { id?: unknown }) => String(item?.id)) : [];
  };

/** Admin routes name the hospital in the path; tenant routes act for the token's; else the answer says. */
const DEFAULT_HOSPITAL: AuditTarget = (call) =>
  call.params.hospitalId ?? call.principal.hospitalId ?? field('hospitalId')(call);

/**
 * Records an audit event after the route succeeds, before its answer leaves (see AuditInterceptor):
 * `@Audited('patient.read', 'patient', param('patientId'))`. The resource id defaults to the answer's `id`.
 */
export const Audited = (
  action: string,
  resourceType: string,
  resource: AuditTarget = field('id'),
  hospital: AuditTarget = DEFAULT_HOSPITAL,
): MethodDecorator => SetMetadata(AUDITED, { action, resourceType, resource, hospital } satisfies AuditSpec);
