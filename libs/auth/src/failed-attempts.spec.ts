import { FailedAttempts } from './failed-attempts';

describe('FailedAttempts', () => {
  it('blocks a key after the limit within the window and forgets after it', () => {
    const attempts = new FailedAttempts({ limit: 3, windowMs: 1000 });
    attempts.record('client', 0);
    attempts.record('client', 100);
    expect(attempts.isBlocked('client', 200)).toBe(false);
    attempts.record('client', 200);
    expect(attempts.isBlocked('client', 300)).toBe(true);
    expect(attempts.isBlocked('other', 300)).toBe(false);
    expect(attempts.isBlocked('client', 1150)).toBe(false);
  });
});
