import type { EventName } from './rpc-map';

/**
 * Every durable subscription on the bus, by queue: which service's queue takes which event. A service's
 * `@EventPattern` names its queue from here (libs/messaging refuses one that does not match).
 *
 * Why publishers need it too: over RabbitMQ every service declares these queues and their bindings on each
 * new connection, not only their subscriber. After a crash and restart, RabbitMQ 3.10 was once seen routing
 * events to no queue for a recovered queue and binding until the subscriber declared them again
 * (docs/architecture.md, the bus). Declared by whichever service connects, an event whose subscriber is
 * still down waits in its queue instead of being confirmed and dropped. A `byHospital` queue gets the events
 * of the hospitals routed to it only (Transport.routeHospitals, routes its subscriber keeps): publishers
 * declare the queue, not those routes.
 */
export const EVENT_SUBSCRIPTIONS = {
  'siu-ingestor.process': { event: 'siu.message.received.v1' },
  'siu-ingestor.process-slices': { event: 'siu.slice.stored.v1' },
  'hl7-gateway.siu-listeners': { event: 'siu.listener.changed.v1' },
  'patient-import.trace.login-link-issued': { event: 'users.login-link.issued.v1' },
  'patient-import.trace.login-link-used': { event: 'users.login-link.used.v1' },
  'user-provisioning.audit.import-lookups': { event: 'imports.lookup.answered.v1' },
  'notifier.webhooks.patient-upserted': { event: 'patients.patient.upserted.v1', byHospital: true },
  'notifier.webhooks.careflow-changed': { event: 'careflows.careflow.changed.v1', byHospital: true },
  'notifier.webhooks.alert-changed': { event: 'alerts.alert.changed.v1', byHospital: true },
} as const satisfies Record<string, { event: EventName; byHospital?: true }>;

export type SubscriptionQueue = keyof typeof EVENT_SUBSCRIPTIONS;

export interface EventSubscription {
  queue: string;
  event: EventName;
  byHospital?: boolean;
}

const LISTED: ReadonlyMap<string, EventSubscription> = new Map(
  Object.entries(EVENT_SUBSCRIPTIONS).map(([queue, subscription]) => [queue, { queue, ...subscription }]),
);

/** The table as a list, for the transport to declare. */
export function eventSubscriptions(): EventSubscription[] {
  return [...LISTED.values()];
}

export function subscriptionOf(queue: string): EventSubscription | undefined {
  return LISTED.get(queue);
}
