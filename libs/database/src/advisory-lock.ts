import type { DataSource } from 'typeorm';

/**
 * Runs `work` unless another session holds the session advisory lock named `key`: scheduled work that one
 * instance of a service at a time should do (a second instance skips rather than waits). The lock lives on a
 * connection of its own for the run; `work` uses the pool as usual. Answers whether it ran.
 */
export async function runAlone(
  dataSource: DataSource,
  key: string,
  work: () => Promise<void>,
): Promise<boolean> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
      key,
    ])) as [{ locked: boolean }];
    if (!locked) return false;
    try {
      await work();
      return true;
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
    }
  } finally {
    await runner.release();
  }
}
