import type { ChildProcess } from 'node:child_process';

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
