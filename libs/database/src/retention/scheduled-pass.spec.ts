import { SchedulerRegistry } from '@nestjs/schedule';
import { ScheduledPass } from './scheduled-pass';

describe('ScheduledPass', () => {
  function deferredPass() {
    const calls: Date[] = [];
    let finish: (value: string) => void = () => undefined;
    const pass = (now: Date) => {
      calls.push(now);
      return new Promise<string>((resolve) => (finish = resolve));
    };
    return { calls, pass, finish: (value: string) => finish(value) };
  }

  it('a run asked for while one is under way joins it; the next starts afresh', async () => {
    const { calls, pass, finish } = deferredPass();
    const scheduled = new ScheduledPass(new SchedulerRegistry(), 'test', pass);
    const first = scheduled.run();
    const joined = scheduled.run();
    expect(joined).toBe(first);
    finish('one');
    await expect(joined).resolves.toBe('one');
    const second = scheduled.run();
    expect(second).not.toBe(first);
    finish('two');
    await expect(second).resolves.toBe('two');
    expect(calls).toHaveLength(2);
  });

  it('registers its cron job unless off, and stop removes it and waits for the pass in flight', async () => {
    const registry = new SchedulerRegistry();
    new ScheduledPass(registry, 'never', async () => 'x').start('off');
    expect(registry.doesExist('cron', 'never')).toBe(false);

    const { pass, finish } = deferredPass();
    const scheduled = new ScheduledPass(registry, 'nightly', pass);
    scheduled.start('17 3 * * *');
    expect(registry.doesExist('cron', 'nightly')).toBe(true);
    void scheduled.run();
    let stopped = false;
    const stopping = scheduled.stop().then(() => (stopped = true));
    expect(registry.doesExist('cron', 'nightly')).toBe(false);
    await Promise.resolve();
    expect(stopped).toBe(false);
    finish('done');
    await stopping;
    expect(stopped).toBe(true);
  });
});
