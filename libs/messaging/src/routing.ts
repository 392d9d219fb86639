import { EVENTS_ROUTED_BY_HOSPITAL, type EventName } from '@bridge/contracts';
import { hospitalOf } from './dead-letter-hospital';

/**
 * Routing by hospital (issue 17: an event nobody wants must cost no more than its outbox row).
 *
 * An event of EVENTS_ROUTED_BY_HOSPITAL whose payload names its hospital travels under the key
 * `<event>.<hospitalId>`; every other event, and one without a hospital, under `<event>`.
 * - An ordinary subscription gets them all: it is bound to `<event>` and `<event>.*`.
 * - A subscription `byHospital` is bound to `<event>` and to `<event>.<hospitalId>` for each hospital routed to
 *   it (Transport.routeHospitals). The broker drops an event of any other hospital at once: nothing is stored,
 *   delivered or acknowledged. Routes only grow: a stale one costs a delivery the consumer then drops, while
 *   a missing one would lose events.
 */
export function routingKeyOf(event: string, payload: unknown): string {
  if (!isRoutedByHospital(event)) return event;
  const hospitalId = hospitalOf(payload);
  return hospitalId ? hospitalRoute(event, hospitalId) : event;
}

export function hospitalRoute(event: string, hospitalId: string): string {
  return `${event}.${hospitalId}`;
}

/** The binding that takes every hospital's copy of a routed event (topic syntax: one word). */
export function everyHospitalRoute(event: string): string {
  return `${event}.*`;
}

export function isRoutedByHospital(event: string): boolean {
  return EVENTS_ROUTED_BY_HOSPITAL.has(event as EventName);
}
