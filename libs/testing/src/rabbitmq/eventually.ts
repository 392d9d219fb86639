export interface EventuallyOptions {
  /** Give up after this long and rethrow the assertion's last failure. Default 10 s. */
  timeoutMs?: number;
  /** Pause between tries. Default 25 ms. */
  intervalMs?: number;
}

/**
 * Retries an assertion until it passes or the deadline passes: a bounded wait for something that
 * happens asynchronously (a delivery, a dead letter), instead of a sleep that is either too short on a
 * slow machine or wasted on a fast one. Returns the assertion's result.
 */
export async function expectEventually<T>(
  assertion: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 25 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
