/**
 * What one durable commit costs on the benchmark's PostgreSQL, back to back and after the disk has been idle
 * for a moment (bench/import.ts prints it beside P3's floor). On the VMs this project is measured on, a
 * commit's flush grows with the time since the last one (issue 17, session 34: about 0.25 ms back to back,
 * 0.65 ms after 2 ms, 1 ms after 5 ms), and a serial lookup's three commits each come 0.3-1.5 ms after the
 * one before: P3's added p50 is read against this host's figures, not against a fast disk's.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { median } from './quantiles';

/** Idle time before each commit, ms: 0 is back to back (the baseline of the ratios). */
const IDLE_GAPS_MS = [0, 1, 2] as const;
const COMMITS_PER_GAP = 300;

export interface CommitLatency {
  idleMs: number;
  p50Ms: number;
}

/** One-row INSERTs in autocommit, prepared, one at a time: the p50 round trip after each idle gap. */
export async function measureCommitLatency(databaseUrl: string): Promise<CommitLatency[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('CREATE TABLE commit_latency (id bigserial PRIMARY KEY)');
    const insert = { name: 'commit-latency', text: 'INSERT INTO commit_latency DEFAULT VALUES' };
    for (let i = 0; i < 50; i++) await client.query(insert);
    const results: CommitLatency[] = [];
    for (const idleMs of IDLE_GAPS_MS) {
      const took: number[] = [];
      for (let i = 0; i < COMMITS_PER_GAP; i++) {
        if (idleMs > 0) await sleep(idleMs);
        const started = performance.now();
        await client.query(insert);
        took.push(performance.now() - started);
      }
      results.push({ idleMs, p50Ms: median(took) });
    }
    return results;
  } finally {
    await client.end();
  }
}

/** `P3 host: ...`, the ratios against back to back. */
export function commitLatencyLine(latencies: CommitLatency[]): string {
  const [backToBack, ...afterIdle] = latencies;
  const idle = afterIdle.map(
    ({ idleMs, p50Ms }) =>
      `${p50Ms.toFixed(2)} ms after ${idleMs} ms idle (${(p50Ms / backToBack.p50Ms).toFixed(1)}x)`,
  );
  return (
    `P3 host: a durable commit (one-row INSERT, p50 of ${COMMITS_PER_GAP}) takes ${backToBack.p50Ms.toFixed(2)} ms ` +
    `back to back, ${idle.join(', ')}; a serial lookup makes three, each after some of its other work\n`
  );
}
