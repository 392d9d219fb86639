import type { LoggerService } from '@nestjs/common';
import { ConfigError } from './load-config';

/**
 * Entry point of one service process: start it, and on bad configuration say every problem and exit
 * non-zero instead of printing a stack trace.
 */
export function runService(name: string, start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: ${error.message}\n`);
    } else {
      process.stderr.write(`${name}: failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
    }
    process.exit(1);
  });
}

/** How a service's Nest application is started: alone (its own process) or hosted with the others. */
export interface ServiceAppOptions {
  /** A process running one service closes it on SIGTERM; the embedded launcher closes them all itself. */
  shutdownHooks?: boolean;
  /**
   * Nest's framework logger is process-wide (the last one set wins), so services hosted in one process
   * share one, named after the process, instead of each claiming every line as its own.
   */
  logger?: LoggerService;
}
