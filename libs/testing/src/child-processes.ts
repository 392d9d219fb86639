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
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}
