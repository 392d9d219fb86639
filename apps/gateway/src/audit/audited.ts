import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { AUDITED, type AuditSpec, type AuditTarget } from './audit-spec';
import { AuditInterceptor } from './audit.interceptor';

export { AUDITED, type AuditedCall, type AuditSpec, type AuditTarget } from './audit-spec';

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
 * The interceptor is bound here, to audited routes only: bound globally, every request (each push) paid for
 * Nest's interceptor chain to find nothing to audit.
 */
export const Audited = (
  action: string,
  resourceType: string,
  resource: AuditTarget = field('id'),
  hospital: AuditTarget = DEFAULT_HOSPITAL,
): MethodDecorator =>
  applyDecorators(
    SetMetadata(AUDITED, { action, resourceType, resource, hospital } satisfies AuditSpec),
    UseInterceptors(AuditInterceptor),
  );
