import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { PortTakenError, stopChildren, untilHealthy, type StartingService } from './child-processes';

function child(script: string): ChildProcess {
  return spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
}

const IDLE = 'setInterval(() => undefined, 1000)';

/** As the test platform reads a service: its stderr kept until it is healthy. */
function starting(service: string, script: string): StartingService {
  const started: StartingService = { service, child: child(script), startUpErrors: '' };
  started.child.stderr?.on('data', (chunk: Buffer) => {
    if (started.startUpErrors !== undefined) started.startUpErrors += chunk.toString('utf8');
  });
  return started;
}

async function listening(server: Server | ReturnType<typeof createHttpServer>): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

describe('stopChildren', () => {
  it('stops running children and resolves once they have exited', async () => {
    const children = [child(IDLE), child(IDLE)];
    await stopChildren(children);
    expect(children.map(({ signalCode }) => signalCode)).toEqual(['SIGTERM', 'SIGTERM']);
  });

  it('resolves for a child that a signal already ended, as for one that exited with a code', async () => {
    const killed = child(IDLE);
    const exited = child('process.exit(3)');
    killed.kill('SIGKILL');
    await Promise.all([once(killed, 'exit'), once(exited, 'exit')]);
    await expect(stopChildren([killed, exited])).resolves.toBeDefined();
  }, 5_000);
});

describe('untilHealthy', () => {
  const servers: { close(): unknown }[] = [];
  const services: StartingService[] = [];
  afterEach(async () => {
    await stopChildren(services.splice(0).map(({ child }) => child));
    for (const server of servers.splice(0)) server.close();
  });

  it('resolves once /health answers 200, and keeps no more stderr', async () => {
    let probes = 0;
    const health = createHttpServer((_request, response) => {
      probes += 1;
      response.writeHead(probes < 3 ? 503 : 200).end();
    });
    servers.push(health);
    services.push(starting('worker', IDLE));
    await untilHealthy(await listening(health), services, 10_000);
    expect(probes).toBe(3);
    expect(services[0].startUpErrors).toBeUndefined();
  });

  it('fails at once with PortTakenError when a service exits saying EADDRINUSE', async () => {
    services.push(
      starting(
        'gateway',
        "process.stderr.write('Error: listen EADDRINUSE: address already in use'); process.exit(1)",
      ),
    );
    const startedAt = Date.now();
    await expect(untilHealthy('http://127.0.0.1:9', services, 60_000)).rejects.toBeInstanceOf(PortTakenError);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it('fails at once naming a service that exits for any other reason, or is killed', async () => {
    services.push(starting('worker', "process.stderr.write('config refused'); process.exit(2)"));
    await expect(untilHealthy('http://127.0.0.1:9', services, 60_000)).rejects.toThrow(
      'worker exited during start-up (code 2)',
    );
    const killed = starting('notifier', IDLE);
    services.splice(0, 1, killed);
    killed.child.kill('SIGKILL');
    await once(killed.child, 'exit');
    await expect(untilHealthy('http://127.0.0.1:9', services, 60_000)).rejects.toThrow(
      'notifier exited during start-up (code SIGKILL)',
    );
  });

  it('does not hang on a port taken by something that accepts and never answers', async () => {
    const silent = createServer(() => undefined);
    servers.push(silent);
    const gateway = starting('gateway', 'setTimeout(() => process.exit(1), 300)');
    services.push(gateway);
    await expect(untilHealthy(await listening(silent), services, 60_000)).rejects.toThrow(
      'gateway exited during start-up',
    );
  }, 15_000);
});
