import { retryDelayMs } from './delivery.worker';

describe('retryDelayMs (exponential backoff with jitter)', () => {
  it('doubles per attempt between half and all of the step, capped at one hour', () => {
    expect(retryDelayMs(1, 10_000, () => 0)).toBe(5_000);
    expect(retryDelayMs(1, 10_000, () => 1)).toBe(10_000);
    expect(retryDelayMs(2, 10_000, () => 1)).toBe(20_000);
    expect(retryDelayMs(5, 10_000, () => 0.5)).toBe(120_000);
    expect(retryDelayMs(40, 10_000, () => 1)).toBe(3_600_000);
    expect(retryDelayMs(40, 10_000, () => 0)).toBe(1_800_000);
  });

  it('spreads receivers that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(3, 10_000)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(20_000);
      expect(delay).toBeLessThanOrEqual(40_000);
    }
  });

  it('keeps retrying about a day with the default base before a delivery fails', () => {
    let elapsed = 0;
    let attempts = 1;
    while (elapsed + retryDelayMs(attempts, 10_000, () => 1) <= 86_400_000)
      elapsed += retryDelayMs(attempts++, 10_000, () => 1);
    expect(attempts).toBeGreaterThan(25);
  });
});
