import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { SiuListenerV1 } from '@bridge/contracts';
import { buildRejectAck, MllpServer } from '@bridge/hl7';
import { Bus } from '@bridge/messaging';
import { InboundSiuService } from './inbound-siu.service';

export const SIU_LISTENER_OPTIONS = Symbol('SIU_LISTENER_OPTIONS');

export interface SiuListenerOptions {
  /** Interface the listeners bind to (0.0.0.0 in production, 127.0.0.1 in tests and the demo). */
  host: string;
  /** How often the wanted listeners are asked of siu-ingestor, which owns the SIU connections. */
  refreshMs: number;
}

interface RunningListener {
  hospitalId: string;
  charset: SiuListenerV1['charset'];
  server: MllpServer;
}

/**
 * Runs one MLLP listener per hospital that streams SIU in real time, as its SIU connection says: starts,
 * moves and stops them as connections change. A port taken by something else is logged and retried on the
 * next refresh; one hospital's listener failing never affects another's.
 */
@Injectable()
export class SiuListeners implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SiuListeners');
  private readonly running = new Map<number, RunningListener>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private stopped = false;
  private failedRefreshes = 0;

  constructor(
    private readonly bus: Bus,
    private readonly inbound: InboundSiuService,
    @Inject(SIU_LISTENER_OPTIONS) private readonly options: SiuListenerOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.refreshing;
    await Promise.all([...this.running.values()].map((listener) => listener.server.close()));
    this.running.clear();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.refreshing = this.refresh()
        .then(() => {
          this.failedRefreshes = 0;
        })
        .catch((error: unknown) => {
          // Services start in any order: a refresh before siu-ingestor answers is routine, so only a second
          // failure in a row is a warning (and none while stopping).
          this.failedRefreshes += 1;
          const message = { msg: 'could not refresh SIU listeners', error: (error as Error).message };
          if (this.failedRefreshes > 1 && !this.stopped) this.logger.warn(message);
          else this.logger.debug(message);
        })
        .finally(() => this.schedule(this.options.refreshMs));
    }, delayMs);
  }

  async refresh(): Promise<void> {
    const wanted = await this.bus.request('siu.listeners.list.v1', {});
    const wantedByPort = new Map(wanted.map((listener) => [listener.port, listener]));
    for (const [port, listener] of this.running) {
      const next = wantedByPort.get(port);
      if (!next || next.hospitalId !== listener.hospitalId || next.charset !== listener.charset) {
        this.running.delete(port);
        await listener.server.close();
      }
    }
    for (const listener of wanted) {
      if (!this.running.has(listener.port) && !this.stopped) await this.start(listener);
    }
  }

  private async start(listener: SiuListenerV1): Promise<void> {
    const target = { hospitalId: listener.hospitalId, charset: listener.charset };
    const server = new MllpServer({
      host: this.options.host,
      port: listener.port,
      replyCharset: listener.charset,
      onMessage: (frame) => this.inbound.receive(target, frame),
      onFrameError: (error) =>
        buildRejectAck(error.frameHead ?? Buffer.alloc(0), {
          controlId: 'TOOLARGE',
          at: new Date(),
          text: 'Message too large',
        }),
    });
    try {
      await server.listen();
      this.running.set(listener.port, { ...target, server });
      this.logger.log({ msg: 'SIU listener started', hospitalId: listener.hospitalId, port: listener.port });
    } catch (error) {
      this.logger.error({ msg: 'SIU listener could not start', port: listener.port, error: (error as Error).message });
    }
  }
}
