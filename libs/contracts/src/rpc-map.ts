/**
 * The typed map from message pattern to payload types, composed from one map per context
 * (`<context>/<context>.contracts.ts`). A wrong payload for a pattern is a compile error at the caller
 * (Bus.request) and a validation error at the receiver (RPC_REQUEST_CLASSES).
 * Never change a released v1 incompatibly: add a v2 pattern beside it.
 */
import { ALERTS_RPC_CLASSES, type AlertsRpc } from './alerts/alerts.contracts';
import { AlertChangedEventV1 } from './alerts/alerts.events.v1';
import { APPOINTMENTS_RPC_CLASSES, type AppointmentsRpc } from './appointments/appointments.contracts';
import { AUDIT_RPC_CLASSES, type AuditRpc } from './audit/audit.contracts';
import { AUTH_RPC_CLASSES, type AuthRpc } from './auth/auth.contracts';
import type { PayloadClass, RequestClasses } from './common/rpc';
import {
  CareFlowChangedEventV1,
  ImportLookupAnsweredEventV1,
  LoginLinkEventV1,
  PatientUpsertedEventV1,
} from './events.v1';
import { HEALTH_RPC_CLASSES, type HealthRpc } from './health/health.contracts';
import { HL7_RPC_CLASSES, type Hl7Rpc } from './hl7/hl7.contracts';
import { IMPORTS_RPC_CLASSES, type ImportsRpc } from './imports/imports.contracts';
import { PATIENTS_RPC_CLASSES, type PatientsRpc } from './patients/patients.contracts';
import { RETENTION_RPC_CLASSES, type RetentionRpc } from './retention/retention.contracts';
import { SIU_RPC_CLASSES, type SiuRpc } from './siu/siu.contracts';
import {
  SiuListenerChangedEventV1,
  SiuMessageReceivedEventV1,
  SiuSliceStoredEventV1,
} from './siu/siu.events.v1';
import { TENANCY_RPC_CLASSES, type TenancyRpc } from './tenancy/tenancy.contracts';
import { USERS_RPC_CLASSES, type UsersRpc } from './users/users.contracts';
import { WEBHOOKS_RPC_CLASSES, type WebhooksRpc } from './webhooks/webhooks.contracts';

export interface RpcContracts
  extends
    AuthRpc,
    TenancyRpc,
    UsersRpc,
    PatientsRpc,
    HealthRpc,
    Hl7Rpc,
    ImportsRpc,
    SiuRpc,
    AppointmentsRpc,
    AuditRpc,
    AlertsRpc,
    WebhooksRpc,
    RetentionRpc {}

export type RpcPattern = keyof RpcContracts;
export type RpcRequest<P extends RpcPattern> = RpcContracts[P]['request'];
export type RpcResponse<P extends RpcPattern> = RpcContracts[P]['response'];

/** The class each receiver validates an incoming request against. */
export const RPC_REQUEST_CLASSES: RequestClasses<RpcContracts> = {
  ...AUTH_RPC_CLASSES,
  ...TENANCY_RPC_CLASSES,
  ...USERS_RPC_CLASSES,
  ...PATIENTS_RPC_CLASSES,
  ...HEALTH_RPC_CLASSES,
  ...HL7_RPC_CLASSES,
  ...IMPORTS_RPC_CLASSES,
  ...SIU_RPC_CLASSES,
  ...APPOINTMENTS_RPC_CLASSES,
  ...AUDIT_RPC_CLASSES,
  ...ALERTS_RPC_CLASSES,
  ...WEBHOOKS_RPC_CLASSES,
  ...RETENTION_RPC_CLASSES,
};

export interface EventContracts {
  'patients.patient.upserted.v1': PatientUpsertedEventV1;
  'careflows.careflow.changed.v1': CareFlowChangedEventV1;
  'siu.message.received.v1': SiuMessageReceivedEventV1;
  'siu.slice.stored.v1': SiuSliceStoredEventV1;
  'siu.listener.changed.v1': SiuListenerChangedEventV1;
  'alerts.alert.changed.v1': AlertChangedEventV1;
  'users.login-link.issued.v1': LoginLinkEventV1;
  'users.login-link.used.v1': LoginLinkEventV1;
  'imports.lookup.answered.v1': ImportLookupAnsweredEventV1;
}

export type EventName = keyof EventContracts;
export type EventPayload<E extends EventName> = EventContracts[E];

export const EVENT_PAYLOAD_CLASSES: { [E in EventName]: PayloadClass<EventPayload<E>> } = {
  'patients.patient.upserted.v1': PatientUpsertedEventV1,
  'careflows.careflow.changed.v1': CareFlowChangedEventV1,
  'siu.message.received.v1': SiuMessageReceivedEventV1,
  'siu.slice.stored.v1': SiuSliceStoredEventV1,
  'siu.listener.changed.v1': SiuListenerChangedEventV1,
  'alerts.alert.changed.v1': AlertChangedEventV1,
  'users.login-link.issued.v1': LoginLinkEventV1,
  'users.login-link.used.v1': LoginLinkEventV1,
  'imports.lookup.answered.v1': ImportLookupAnsweredEventV1,
};

/**
 * Events routed by hospital: published under the key `<event>.<hospitalId>`, so a consumer that wants the
 * events of a few hospitals only (notifier: those with webhooks) is routed just those, and the broker drops
 * the others without storing or delivering them. libs/messaging/src/routing.ts has the rules.
 */
export const EVENTS_ROUTED_BY_HOSPITAL: ReadonlySet<EventName> = new Set<EventName>([
  'patients.patient.upserted.v1',
  'careflows.careflow.changed.v1',
  'alerts.alert.changed.v1',
]);
