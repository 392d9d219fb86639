import type { LoggerService } from '@nestjs/common';
import { utimesSync, writeFileSync } from 'node:fs';
import { applyHeapGrowth } from './heap-growth';
import { ConfigError } from './load-config';

/** How often a started service touches HEALTH_FILE; a container health check reads its age. */
export const HEALTH_FILE_INTERVAL_MS = 5_000;

/**
 * Entry point of one service process: set its heap growth (HEAP_GROWTH_PERCENT, else `heapGrowthPercent`,
 * else V8's own choice), start it, and on bad configuration say every problem and exit non-zero instead of
 * printing a stack trace.
 */
export function runService(
  name: string,
  start: () => Promise<unknown>,
  options: { heapGrowthPercent?: number } = {},
): void {
  const started = (async () => {
    applyHeapGrowth(options.heapGrowthPercent ?? 0);
    return start();
  })();
  started
    .then(() => beatHealthFile(process.env.HEALTH_FILE))
    .catch((error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`${name}: ${error.message}\n`);
      } else {
        process.stderr.write(`${name}: failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
      }
      process.exit(1);
    });
}

/**
 * docker/compose.yaml's health check for services without an HTTP port: HEALTH_FILE is written once the
 * service started (migrations run, consumers attached) and touched while its event loop turns, so a
 * hung or never-started process turns the container unhealthy.
 */
function beatHealthFile(path: string | undefined): void {
  if (!path) return;
  writeFileSync(path, `${process.pid}\n`);
  setInterval(() => {
    const now = new Date();
    try {
      utimesSync(path, now, now);
    } catch {
      // A file removed under us: the health check fails, which is what it should then say.
    }
  }, HEALTH_FILE_INTERVAL_MS).unref();
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
