import type { ChildProcess } from 'node:child_process';

/** The apps of the distributed topology, one `dist/apps/<name>/main.js` each (the test platform, benchmarks). */
export const PLATFORM_SERVICES = [
  'user-provisioning',
  'patient-import',
  'hl7-gateway',
  'siu-ingestor',
  'notifier',
  'gateway',
] as const;

export type PlatformService = (typeof PLATFORM_SERVICES)[number];

/** SIGTERM to each child still running; resolves when all have exited. */
export function stopChildren(children: ChildProcess[]): Promise<unknown> {
  return Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          // A child killed by a signal has no exit code: its exit event has passed all the same.
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}
