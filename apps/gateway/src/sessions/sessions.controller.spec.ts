import { isDomainError } from '@bridge/contracts';
import type { Bus } from '@bridge/messaging';
import { FailedAttemptsService } from '../failed-attempts/failed-attempts.service';
import { SessionsController } from './sessions.controller';

describe('SessionsController password sign-in', () => {
  it('keeps at most 16 sign-ins on the bus and refuses the 17th at once, then takes new ones as they finish', async () => {
    const pending: (() => void)[] = [];
    const requests: unknown[] = [];
    // user-provisioning as a flood leaves it: nothing answers until we say so.
    const bus = {
      request: (_pattern: string, body: unknown) => {
        requests.push(body);
        return new Promise((resolve) => pending.push(() => resolve({ token: 'ok' })));
      },
    } as unknown as Bus;
    const controller = new SessionsController(bus, new FailedAttemptsService({ FAILED_ATTEMPT_DELAY_MS: 0 }));
    const signIn = (n: number) =>
      controller.login({ email: `user${n}@example.org`, password: 'guess' }, `10.0.0.${n}`);

    const inFlight = Array.from({ length: 16 }, (_, n) => signIn(n));
    const refused = await signIn(16).catch((error: unknown) => error);
    expect(isDomainError(refused) && refused.code).toBe('SERVICE_UNAVAILABLE');
    expect(requests).toHaveLength(16);

    pending.shift()!();
    await inFlight[0];
    const next = signIn(17);
    expect(requests).toHaveLength(17);
    for (const answer of pending.splice(0)) answer();
    await expect(Promise.all([...inFlight, next])).resolves.toHaveLength(17);
  });
});
