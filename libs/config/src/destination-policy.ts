import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** The stable code of a refusal, as clients see it (libs/contracts ERROR_CODES). */
export const DESTINATION_REFUSED = 'CONNECTION_DESTINATION_REFUSED';

/** An outbound destination the policy refuses: nothing was sent to it. Messages name no secret. */
export class DestinationRefusedError extends Error {
  override readonly name = 'DestinationRefusedError';
  readonly code = DESTINATION_REFUSED;

  constructor(
    readonly host: string,
    readonly port: number,
    readonly reason: string,
  ) {
    super(`${host}:${port} is refused as a destination: ${reason}`);
  }
}

/** An address chosen and checked by the policy: the one to connect to, and nothing else. */
export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

export interface PlatformEndpoint {
  host: string;
  port: number;
}

export interface DestinationPolicyOptions {
  /** Loopback destinations (127.0.0.0/8, ::1) allowed: the embedded default's simulator, tests. */
  allowLoopback: boolean;
  /** The platform's own database and broker: never a hospital, whatever the address. */
  platformEndpoints: PlatformEndpoint[];
  /** Name resolution (all addresses of a name); replaceable in tests. */
  resolveAll?: (host: string) => Promise<CheckedAddress[]>;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Never a hospital: the cloud metadata service lives in link-local; 0.0.0.0 reaches this host. */
const ALWAYS_REFUSED: { list: BlockList; reason: string }[] = [
  blockList('link-local', [
    ['169.254.0.0', 16, 'ipv4'],
    ['fe80::', 10, 'ipv6'],
  ]),
  blockList('unspecified', [
    ['0.0.0.0', 8, 'ipv4'],
    ['::', 128, 'ipv6'],
  ]),
  blockList('multicast or broadcast', [
    ['224.0.0.0', 4, 'ipv4'],
    ['255.255.255.255', 32, 'ipv4'],
    ['ff00::', 8, 'ipv6'],
  ]),
];

function blockList(
  reason: string,
  subnets: [string, number, 'ipv4' | 'ipv6'][],
): { list: BlockList; reason: string } {
  const list = new BlockList();
  for (const [network, prefix, type] of subnets) list.addSubnet(network, prefix, type);
  return { list, reason };
}

/**
 * Where the platform may connect on a hospital's behalf (PRODUCT.md "Trust boundaries"; ARCHITECTURE.md
 * rule 10). Checked on the address actually connected to: `resolve` looks the name up once, refuses when any
 * of its addresses is refused (a name that answers both a hospital and 127.0.0.1 is not trusted), and the
 * caller connects to exactly the address it returns, so a name that resolves elsewhere by connect time is
 * caught. Private ranges stay allowed: hospitals sit behind VPNs.
 *
 * `ALLOW_LOOPBACK_DESTINATIONS=true` allows loopback only; link-local, unspecified and multicast addresses
 * and the platform's own database and broker (host and port) are refused whatever it says.
 */
export class DestinationPolicy {
  private readonly resolveAll: (host: string) => Promise<CheckedAddress[]>;
  private endpointAddresses: Promise<{ address: string; port: number }[]> | undefined;

  constructor(private readonly options: DestinationPolicyOptions) {
    this.resolveAll = options.resolveAll ?? resolveWithDns;
  }

  /** From a service's configuration: ALLOW_LOOPBACK_DESTINATIONS, DATABASE_URL and AMQP_URL. */
  static fromConfig(config: {
    ALLOW_LOOPBACK_DESTINATIONS?: string;
    DATABASE_URL?: string;
    AMQP_URL?: string;
  }): DestinationPolicy {
    return new DestinationPolicy({
      allowLoopback: config.ALLOW_LOOPBACK_DESTINATIONS === 'true',
      platformEndpoints: [endpointOf(config.DATABASE_URL, 5432), endpointOf(config.AMQP_URL, 5672)].filter(
        (endpoint): endpoint is PlatformEndpoint => endpoint !== undefined,
      ),
    });
  }

  get allowsLoopback(): boolean {
    return this.options.allowLoopback;
  }

  /** Why the policy refuses this address (an IP) on this port; undefined when it is allowed. */
  async refusal(address: string, port: number): Promise<string | undefined> {
    const ip = normalise(address);
    const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    for (const { list, reason } of ALWAYS_REFUSED) if (list.check(ip, type)) return `${reason} address`;
    if (!this.options.allowLoopback && LOOPBACK.check(ip, type)) {
      return 'loopback address (ALLOW_LOOPBACK_DESTINATIONS is not set)';
    }
    for (const endpoint of await this.platformAddresses()) {
      if (endpoint.port === port && normalise(endpoint.address) === ip) {
        return "the platform's own database or broker";
      }
    }
    return undefined;
  }

  /**
   * A host as an admin configures it, checked without asking DNS: literal addresses and `localhost`.
   * Names are checked at connect time (resolve). Answers the refusal's reason, or undefined.
   */
  async configuredRefusal(host: string, port: number): Promise<string | undefined> {
    const literal = stripBrackets(host);
    if (isIP(literal)) return this.refusal(literal, port);
    if (isLocalhostName(literal)) {
      for (const address of ['127.0.0.1', '::1']) {
        const reason = await this.refusal(address, port);
        if (reason) return reason;
      }
    }
    return undefined;
  }

  /** The address to connect to for `host`: looked up once and checked, or DestinationRefusedError. */
  async resolve(host: string, port: number): Promise<CheckedAddress> {
    const literal = stripBrackets(host);
    const addresses = isIP(literal)
      ? [{ address: literal, family: isIP(literal) as 4 | 6 }]
      : await this.resolveAll(literal);
    if (addresses.length === 0) throw new DestinationRefusedError(host, port, 'the name has no address');
    for (const candidate of addresses) {
      const reason = await this.refusal(candidate.address, port);
      if (reason) throw new DestinationRefusedError(host, port, `${candidate.address} is a ${reason}`);
    }
    return addresses[0];
  }

  private platformAddresses(): Promise<{ address: string; port: number }[]> {
    this.endpointAddresses ??= Promise.all(
      this.options.platformEndpoints.map(async ({ host, port }) => {
        const literal = stripBrackets(host);
        if (isIP(literal)) return [{ address: literal, port }];
        if (isLocalhostName(literal)) return ['127.0.0.1', '::1'].map((address) => ({ address, port }));
        const resolved = await this.resolveAll(literal).catch(() => []);
        return resolved.map(({ address }) => ({ address, port }));
      }),
    ).then((lists) => lists.flat());
    return this.endpointAddresses;
  }
}

/** A `lookup` for net/http/tls that answers the already checked address, whatever name it is asked. */
export function fixedLookup(checked: CheckedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (error: null, addresses: CheckedAddress[]) => void)(null, [checked]);
    } else {
      callback(null, checked.address, checked.family);
    }
  };
}

async function resolveWithDns(host: string): Promise<CheckedAddress[]> {
  const addresses = await lookup(host, { all: true, verbatim: true });
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
}

function endpointOf(url: string | undefined, defaultPort: number): PlatformEndpoint | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (!parsed.hostname) return undefined;
    return { host: parsed.hostname, port: Number(parsed.port) || defaultPort };
  } catch {
    return undefined;
  }
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function isLocalhostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** `::ffff:127.0.0.1` is 127.0.0.1: an IPv4-mapped address is checked as the IPv4 address it is. */
function normalise(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address.toLowerCase();
}
