import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { SIU_LISTENER_DEFAULTS, type SiuListenerV1 } from '@bridge/contracts';
import { buildRejectAck, MllpServer } from '@bridge/hl7';
import { BlockList, isIP } from 'node:net';
import type { TlsOptions } from 'node:tls';
import { InboundSiuService } from './inbound-siu.service';
import { SiuListenersRepository } from './siu-listeners.repository';

export const SIU_LISTENER_OPTIONS = Symbol('SIU_LISTENER_OPTIONS');

export interface SiuListenerOptions {
  /** Interface the listeners bind to (0.0.0.0 in production, 127.0.0.1 in tests and the demo). */
  host: string;
  /** How often this instance re-reads the wanted listeners from its own table (`hl7_gateway.siu_listeners`). */
  refreshMs: number;
}

interface RunningListener {
  hospitalId: string;
  /** Everything the listener was started with: a change restarts it. */
  fingerprint: string;
  server: MllpServer;
}

/**
 * Runs one MLLP listener per hospital that streams SIU in real time, as this service's own table of
 * listeners says (kept from siu-ingestor's `siu.listener.changed.v1`): starts, moves and stops them as it
 * changes. A port taken by something else is logged and retried on the next read; one hospital's listener
 * failing never affects another's.
 */
@Injectable()
export class SiuListeners implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SiuListeners');
  private readonly running = new Map<number, RunningListener>();
  /** Why a wanted listener is not running on this instance, by port (the self-test says it). */
  private readonly failures = new Map<number, string>();
  private timer: NodeJS.Timeout | undefined;
  /** Refreshes run one after another (the timer's and an applied event's). */
  private refreshes: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly repository: SiuListenersRepository,
    private readonly inbound: InboundSiuService,
    @Inject(SIU_LISTENER_OPTIONS) private readonly options: SiuListenerOptions,
  ) {}

  /** After a SECRETS_KEY rotation, keys sealed with the previous one are re-sealed with the new one at start. */
  async onApplicationBootstrap(): Promise<void> {
    const resealed = await this.repository.resealAll();
    if (resealed > 0)
      this.logger.log({ msg: 're-sealed SIU listener TLS keys with the current key', count: resealed });
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.refreshes;
    await Promise.all([...this.running.values()].map((listener) => listener.server.close()));
    this.running.clear();
  }

  /**
   * What this instance knows of a hospital's listener, for the self-test: the settings it was given,
   * whether it listens now, why not, and the interface it binds to.
   */
  async describe(hospitalId: string): Promise<{
    wanted?: SiuListenerV1;
    listening: boolean;
    failure?: string;
    host: string;
  }> {
    const wanted = (await this.repository.wanted()).find((listener) => listener.hospitalId === hospitalId);
    const running = wanted && this.running.get(wanted.port);
    const failure = wanted && this.failures.get(wanted.port);
    return {
      ...(wanted ? { wanted } : {}),
      listening: running?.hospitalId === hospitalId && running.fingerprint === fingerprintOf(wanted!),
      ...(failure ? { failure } : {}),
      host: this.options.host,
    };
  }

  /** Brings the running listeners in line with the table now (after an applied event); never rejects. */
  refreshNow(): Promise<void> {
    return this.refresh().catch((error: unknown) => {
      if (!this.stopped)
        this.logger.warn({ msg: 'could not refresh SIU listeners', error: (error as Error).message });
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.refreshNow().finally(() => this.schedule(this.options.refreshMs));
    }, delayMs);
  }

  refresh(): Promise<void> {
    const next = this.refreshes.then(() => this.applyWanted());
    this.refreshes = next.catch(() => undefined);
    return next;
  }

  private async applyWanted(): Promise<void> {
    if (this.stopped) return;
    const wanted = await this.repository.wanted();
    this.failures.clear();
    const wantedByPort = routablePorts(wanted, (port, hospitals) => {
      this.failures.set(port, 'the port is claimed by several hospitals: it serves none of them');
      this.logger.error({
        msg: 'SIU listener port claimed by several hospitals: served to none until one of them moves',
        port,
        hospitalIds: hospitals,
      });
    });
    for (const [port, listener] of this.running) {
      const next = wantedByPort.get(port);
      if (!next || fingerprintOf(next) !== listener.fingerprint) {
        this.running.delete(port);
        await listener.server.close();
      }
    }
    for (const listener of wantedByPort.values()) {
      if (!this.running.has(listener.port) && !this.stopped) await this.start(listener);
    }
  }

  private async start(listener: SiuListenerV1): Promise<void> {
    const target = { hospitalId: listener.hospitalId, charset: listener.charset };
    let server: MllpServer;
    try {
      server = new MllpServer({
        host: this.options.host,
        port: listener.port,
        replyCharset: listener.charset,
        maxConnections: listener.maxConnections ?? SIU_LISTENER_DEFAULTS.maxConnections,
        idleTimeoutMs: listener.idleTimeoutMs ?? SIU_LISTENER_DEFAULTS.idleTimeoutMs,
        maxFrameBytes: listener.maxFrameBytes ?? SIU_LISTENER_DEFAULTS.maxFrameBytes,
        closeOnFrameError: true,
        ...(listener.allowedSources?.length ? { allowSource: sourceFilter(listener.allowedSources) } : {}),
        ...(listener.tls ? { tls: tlsOptions(listener.tls) } : {}),
        onMessage: (frame) => this.inbound.receive(target, frame),
        onFrameError: (error) =>
          buildRejectAck(error.frameHead ?? Buffer.alloc(0), {
            controlId: 'TOOLARGE',
            at: new Date(),
            text: 'Message too large',
          }),
      });
      await server.listen();
      this.running.set(listener.port, {
        hospitalId: listener.hospitalId,
        fingerprint: fingerprintOf(listener),
        server,
      });
      this.logger.log({ msg: 'SIU listener started', hospitalId: listener.hospitalId, port: listener.port });
    } catch (error) {
      this.failures.set(listener.port, describeListenError(error as NodeJS.ErrnoException));
      this.logger.error({
        msg: 'SIU listener could not start',
        port: listener.port,
        error: (error as Error).message,
      });
    }
  }
}

/**
 * The listeners to run, by port. A port claimed by two hospitals (saves refuse it; rows from before that
 * rule may remain) is served to neither: routing one hospital's feed to the other is never an option.
 */
export function routablePorts(
  wanted: SiuListenerV1[],
  onConflict: (port: number, hospitalIds: string[]) => void = () => undefined,
): Map<number, SiuListenerV1> {
  const byPort = new Map<number, SiuListenerV1[]>();
  for (const listener of wanted) byPort.set(listener.port, [...(byPort.get(listener.port) ?? []), listener]);
  const routable = new Map<number, SiuListenerV1>();
  for (const [port, claims] of byPort) {
    const hospitals = [...new Set(claims.map((claim) => claim.hospitalId))];
    if (hospitals.length > 1) onConflict(port, hospitals);
    else routable.set(port, claims[0]);
  }
  return routable;
}

function fingerprintOf(listener: SiuListenerV1): string {
  return JSON.stringify([
    listener.hospitalId,
    listener.charset,
    listener.allowedSources ?? [],
    listener.tls ?? null,
    listener.maxConnections ?? null,
    listener.idleTimeoutMs ?? null,
    listener.maxFrameBytes ?? null,
  ]);
}

/** allowedSources (CIDRs or addresses) as a check on a peer's address; IPv4-mapped IPv6 peers count as IPv4. */
export function sourceFilter(allowedSources: string[]): (address: string) => boolean {
  const allowed = new BlockList();
  for (const source of allowedSources) {
    const [network, prefix] = source.trim().split('/');
    const type = isIP(network) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(network) === 0) continue;
    allowed.addSubnet(network, prefix === undefined ? (type === 'ipv4' ? 32 : 128) : Number(prefix), type);
  }
  return (address) => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    const ip = mapped ? mapped[1] : address;
    const version = isIP(ip);
    return version !== 0 && allowed.check(ip, version === 6 ? 'ipv6' : 'ipv4');
  };
}

function describeListenError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return 'another program on this host already uses the port';
    case 'EACCES':
      return 'the platform may not open the port (ports below 1024 need privileges)';
    case 'EADDRNOTAVAIL':
      return 'the interface to listen on does not exist on this host';
    default:
      return error.message;
  }
}

/** The listener's TLS: with requireClientCert, only clients whose certificate chains to `ca` get through. */
function tlsOptions(tls: NonNullable<SiuListenerV1['tls']>): TlsOptions {
  return {
    cert: tls.cert,
    key: tls.key,
    ...(tls.ca ? { ca: tls.ca } : {}),
    requestCert: tls.requireClientCert === true,
    rejectUnauthorized: tls.requireClientCert === true,
  };
}
