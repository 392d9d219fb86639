import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { stopChildren } from './child-processes';

function idleChild(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
}

describe('stopChildren', () => {
  it('stops running children and resolves once they have exited', async () => {
    const children = [idleChild(), idleChild()];
    await stopChildren(children);
    expect(children.map((child) => child.signalCode)).toEqual(['SIGTERM', 'SIGTERM']);
  });

  it('resolves for a child that a signal already ended, as for one that exited with a code', async () => {
    const killed = idleChild();
    const exited = spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' });
    killed.kill('SIGKILL');
    await Promise.all([once(killed, 'exit'), once(exited, 'exit')]);
    await expect(stopChildren([killed, exited])).resolves.toBeDefined();
  }, 5_000);
});
