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
