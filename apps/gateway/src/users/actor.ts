import type { ActorV1, Principal } from '@bridge/contracts';

/** The audit log's "who": always the verified token's subject, never anything a body says. */
export function actorOf(principal: Principal): ActorV1 {
  return { kind: principal.kind, subject: principal.subject };
}
