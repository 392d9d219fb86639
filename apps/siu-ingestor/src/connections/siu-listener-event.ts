import type { SiuListenerChangedEventV1, SiuListenerSettingsV1 } from '@bridge/contracts';
import { sealFields, sealingContext, type SecretBox } from '@bridge/database';
import type { SiuConnectionSettings } from './siu-settings';

/** The event that tells hl7-gateway which listener a hospital wants (rows and outbox carry it sealed). */
export const SIU_LISTENER_EVENT = 'siu.listener.changed.v1';

/** Numbers every listener change, under the connection save's lock (created by a committed migration). */
export const SIU_LISTENER_VERSIONS = 'siu_ingestor.siu_listener_versions';

/** The listener's secret fields inside the event; sealed for the event and the hospital, never plain. */
export const SIU_LISTENER_EVENT_SECRET_PATHS = ['tls.key'] as const;

/**
 * The `siu.listener.changed.v1` payload for a saved connection (its settings with secrets in plain text,
 * as the service holds them): the listener with the TLS key sealed, or null when the connection has none.
 */
export function siuListenerChangedEvent(
  box: SecretBox,
  hospitalId: string,
  settings: Pick<SiuConnectionSettings, 'mllpListener' | 'charset'>,
  version: number,
): SiuListenerChangedEventV1 {
  const listener = settings.mllpListener;
  if (!listener) return { hospitalId, version, listener: null };
  const plain = { ...listener, charset: settings.charset ?? 'utf-8' };
  const sealed = sealFields(
    box,
    plain,
    SIU_LISTENER_EVENT_SECRET_PATHS,
    sealingContext(SIU_LISTENER_EVENT, hospitalId),
  );
  return { hospitalId, version, listener: sealed as unknown as SiuListenerSettingsV1 };
}
