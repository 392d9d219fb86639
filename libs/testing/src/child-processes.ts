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

/** A service process being started, and what it wrote to a piped stderr until it was healthy. */
export interface StartingService {
  service: string;
  child: ChildProcess;
  /** Appended to by whoever reads the child's stderr; undefined once the platform is healthy. */
  startUpErrors?: string;
}

/** A service could not listen on the port it was given: another socket took it after it was chosen. */
export class PortTakenError extends Error {}

/**
 * Until `url` answers /health with 200. A service that exits meanwhile (by code or by signal) ends the wait
 * at once: with PortTakenError when its stderr said EADDRINUSE (worth a start on a new port), else an error
 * naming it. Each probe is bounded: whatever took the port may accept the connection and never answer.
 */
export async function untilHealthy(
  url: string,
  services: StartingService[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exited = services.find(({ child }) => child.exitCode !== null || child.signalCode !== null);
    if (exited) {
      const how = `${exited.service} exited during start-up (code ${exited.child.exitCode ?? exited.child.signalCode})`;
      if (exited.startUpErrors?.includes('EADDRINUSE'))
        throw new PortTakenError(`${how}: its port was taken`);
      throw new Error(how);
    }
    const answer = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) }).then(
      async (response) =>
        response.status === 200 ? undefined : `health ${response.status}: ${await response.text()}`,
      (error: Error) => error.message,
    );
    if (answer === undefined) {
      for (const service of services) service.startUpErrors = undefined;
      return;
    }
    if (Date.now() >= deadline)
      throw new Error(`the platform did not start within ${timeoutMs} ms: ${answer}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
