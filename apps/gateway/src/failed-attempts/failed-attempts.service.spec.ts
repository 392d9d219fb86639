import { DomainError, isDomainError } from '@bridge/contracts';
import { FailedAttemptsService, MAX_HELD_REFUSALS } from './failed-attempts.service';

const DELAY_MS = 300;
const check = (source: string) =>
  ({ kind: 'password', credential: 'someone@example.org', source, failure: 'INVALID_CREDENTIALS' }) as const;
const wrong = () => Promise.reject(new DomainError('INVALID_CREDENTIALS', 'wrong'));
const busy = () => Promise.reject(new DomainError('SERVICE_UNAVAILABLE', 'busy'));

/** Resolves with the order in which the given attempts settled (their labels). */
async function settleOrder(attempts: Record<string, Promise<unknown>>): Promise<string[]> {
  const order: string[] = [];
  await Promise.all(
    Object.entries(attempts).map(([label, attempt]) =>
      attempt.then(
        () => order.push(label),
        () => order.push(label),
      ),
    ),
  );
  return order;
}

describe('FailedAttemptsService refusal delay', () => {
  it('answers a wrong credential after FAILED_ATTEMPT_DELAY_MS, with its own error', async () => {
    const service = new FailedAttemptsService({ FAILED_ATTEMPT_DELAY_MS: DELAY_MS });
    const started = Date.now();
    const error = await service.attempt(check('10.0.0.1'), wrong).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(DELAY_MS - 5);
    expect(isDomainError(error) && error.code).toBe('INVALID_CREDENTIALS');
  });

  it('answers a right credential at once, while refusals started before it still wait', async () => {
    const service = new FailedAttemptsService({ FAILED_ATTEMPT_DELAY_MS: DELAY_MS });
    const order = await settleOrder({
      wrong: service.attempt(check('10.0.0.1'), wrong),
      busy: service.attempt(check('10.0.0.2'), busy),
      right: service.attempt(check('10.0.0.3'), () => Promise.resolve('token')),
    });
    expect(order[0]).toBe('right');
  });

  it('holds at most MAX_HELD_REFUSALS refusals at once and answers the next at once (bounded memory)', async () => {
    const service = new FailedAttemptsService({ FAILED_ATTEMPT_DELAY_MS: 60_000 });
    const held = Array.from({ length: MAX_HELD_REFUSALS }, (_, n) =>
      service.attempt(check(`10.1.${n >> 8}.${n & 255}`), wrong).catch(() => undefined),
    );
    const overflow = await service.attempt(check('10.2.0.1'), wrong).catch((e: unknown) => e);
    expect(isDomainError(overflow) && overflow.code).toBe('INVALID_CREDENTIALS');
    expect(held).toHaveLength(MAX_HELD_REFUSALS);
    // The held ones are not awaited (60 s); their timers are unref'd, so they keep nothing alive.
  });
});
