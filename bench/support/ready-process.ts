import { spawn, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';

const READY_TIMEOUT_MS = 30_000;

/**
 * `node <file> ...args` with `env`, pushed on `children` (for stopChildren); resolves once it printed
 * `ready [url]`, with that url (empty for a process that serves no HTTP).
 */
export async function startReadyProcess(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  children: ChildProcess[],
): Promise<{ child: ChildProcess; url: string }> {
  const name = [basename(file), ...args].join(' ');
  const child = spawn(process.execPath, [file, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} not ready in ${READY_TIMEOUT_MS} ms`)),
      READY_TIMEOUT_MS,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const ready = /^ready ?(.*)$/.exec(line);
      if (!ready) return;
      clearTimeout(timer);
      resolve(ready[1]);
    });
  });
  return { child, url };
}

/**
 * In a helper process: on SIGTERM (stopChildren) or SIGINT, runs what `stops` holds by then, newest first,
 * each failure ignored, then exits.
 */
export function exitOnStopSignal(stops: (() => Promise<unknown>)[]): void {
  const stopAll = async () => {
    for (const stop of [...stops].reverse()) await stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stopAll());
  process.on('SIGINT', () => void stopAll());
}
