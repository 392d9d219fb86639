import { DestinationPolicy } from '@bridge/config';
import { DomainError } from '@bridge/contracts';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The port a webhook URL reaches (its own, else the scheme's). */
export function portOf(url: URL): number {
  return Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
}

/**
 * A webhook URL as saved: absolute, https, without credentials or fragment. Plain http is accepted only
 * for a loopback receiver, and only where the destination policy allows loopback
 * (ALLOW_LOOPBACK_DESTINATIONS=true: the embedded demo and tests); everywhere else a receiver is on the
 * network and gets https. The destination policy is checked again on the resolved address at every delivery.
 */
export async function checkWebhookUrl(raw: string, policy: DestinationPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('url must be an absolute URL');
  }
  if (url.username || url.password) throw invalid('url must not carry credentials');
  if (url.hash) throw invalid('url must not carry a fragment');
  const loopbackHttp = url.protocol === 'http:' && policy.allowsLoopback && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) throw invalid('url must be https');
  const reason = await policy.configuredRefusal(url.hostname, portOf(url));
  if (reason) {
    throw new DomainError('CONNECTION_DESTINATION_REFUSED', `The webhook URL is refused: ${reason}.`, {
      errors: [{ field: 'url', message: `url is refused: ${reason}` }],
    });
  }
  return url;
}

function invalid(message: string): DomainError {
  return new DomainError('WEBHOOK_URL_INVALID', `The webhook URL is not accepted: ${message}.`, {
    errors: [{ field: 'url', message }],
  });
}
