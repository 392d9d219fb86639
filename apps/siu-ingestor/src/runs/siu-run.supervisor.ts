import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { SIU_OPTIONS, type SiuOptions } from '../siu.options';
import { SiuRunsRepository } from './siu-runs.repository';

/**
 * Every instance watches the running runs, so no run depends on the instance that started it: a run is
 * finished once its messages are, ended when they stop moving, and declared interrupted when the instance
 * taking its files went silent (killed mid-file: that file rolled back and stays at the source).
 */
@Injectable()
export class SiuRunSupervisor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SiuRunSupervisor');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly runs: SiuRunsRepository,
    @Inject(SIU_OPTIONS) private readonly options: SiuOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.supervise().finally(() => this.schedule());
    }, this.options.superviseIntervalMs);
  }

  private async supervise(): Promise<void> {
    try {
      await this.runs.interruptSilent(this.options.staleMs);
      await this.runs.superviseProcessing(this.options.stallMs);
    } catch (error) {
      this.logger.warn({
        msg: 'supervising SIU runs failed, trying again',
        error: (error as Error)?.message,
      });
    }
  }
}
