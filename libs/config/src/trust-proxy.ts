import { isIP } from 'node:net';
import { registerDecorator } from 'class-validator';

/** What Fastify's `trustProxy` is given: no proxy, a hop count, or the proxies' addresses and ranges. */
export type TrustProxySetting = false | number | string[];

const MAX_HOPS = 10;

/**
 * `TRUST_PROXY`: unset (or `0`), no `X-Forwarded-For` counts and the client is the TCP peer; a hop count
 * (`1`: one proxy in front, its `X-Forwarded-For` entry is the client); or comma-separated addresses and
 * CIDRs of the proxies whose `X-Forwarded-For` counts (`10.0.0.0/8,192.168.1.10`). Trusting every proxy
 * (`true`) is not offered: then anyone can choose the address the failed-attempt limits see.
 * Returns undefined for a value it cannot read.
 */
export function parseTrustProxy(value: string | undefined): TrustProxySetting | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > MAX_HOPS) return undefined;
    return hops === 0 ? false : hops;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  return entries.every(isAddressOrCidr) ? entries : undefined;
}

/** What Fastify's `trustProxy` option takes for a setting: proxy addresses as they are, a hop count as a rule. */
export type FastifyTrustProxy = false | string[] | ((address: string, hop: number) => boolean);

/**
 * The setting as Fastify's `trustProxy`. Fastify 5.12 no longer reads a number (it fails closed: a hop count
 * cannot check who is connecting), so TRUST_PROXY=1 given as a number would silently trust nobody and every
 * client behind the load balancer would share its address, and its failed-attempt limits. PRODUCT.md offers
 * the hop count, so it is given as the rule Fastify 5.11 applied to one: the `hops` nearest hops are proxies,
 * the next address is the client. Like any hop count it believes whoever connects: right only when nothing
 * reaches the gateway except through those proxies (README, Operations).
 */
export function fastifyTrustProxy(setting: TrustProxySetting): FastifyTrustProxy {
  if (typeof setting !== 'number') return setting;
  const hops = setting;
  return (_address, hop) => hop < hops;
}

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Env-schema check for TRUST_PROXY, naming both accepted forms. */
export function IsTrustProxy(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isTrustProxy',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `must be a hop count (0-${MAX_HOPS}) or comma-separated proxy addresses/CIDRs, e.g. 10.0.0.0/8,192.168.1.10`,
      },
      validator: { validate: (value: unknown) => parseTrustProxy(String(value)) !== undefined },
    });
}
