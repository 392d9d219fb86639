import type { DataSource } from 'typeorm';

/** A round trip to PostgreSQL, bounded so a stuck pool reports unhealthy instead of hanging /health. */
export async function checkDatabase(
  dataSource: DataSource,
  timeoutMs = 2000,
): Promise<{ ok: boolean; detail: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      dataSource.query('SELECT 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, detail: 'postgresql reachable' };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
