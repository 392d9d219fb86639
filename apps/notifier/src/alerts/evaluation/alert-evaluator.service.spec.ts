import { SchedulerRegistry } from '@nestjs/schedule';
import { expectEventually } from '@bridge/testing';
import type { DataSource } from 'typeorm';
import type { AlertsRepository } from '../alerts.repository';
import type { AlertRulesRepository } from '../rules/alert-rules.repository';
import { AlertEvaluatorService } from './alert-evaluator.service';
import type { HospitalSignals } from './rule-verdict';
import type { SignalsReader } from './signals.reader';

/** A lock that is always free: the advisory lock itself is PostgreSQL's, covered by the alerts e2e. */
const freeLock = {
  createQueryRunner: () => ({
    connect: async () => undefined,
    query: async (sql: string) => (sql.includes('pg_try_advisory_lock') ? [{ locked: true }] : []),
    release: async () => undefined,
  }),
} as unknown as DataSource;

describe('alert evaluation on shutdown', () => {
  it('stops before the next hospital instead of waiting out one signals read per hospital', async () => {
    const hospitals = ['h1', 'h2', 'h3'].map((hospitalId) => ({
      hospitalId,
      rules: [{ kind: 'hospital-unreachable' as const, consecutiveFailures: 2 }],
    }));
    // The first hospital's read waits for the test; any later one would answer at once.
    let answer: ((signals: HospitalSignals) => void) | undefined;
    const read = jest.fn(async (): Promise<HospitalSignals> =>
      answer ? {} : new Promise((resolve) => (answer = resolve)),
    );
    const evaluator = new AlertEvaluatorService(
      new SchedulerRegistry(),
      freeLock,
      { toEvaluate: async () => hospitals } as unknown as AlertRulesRepository,
      { openAlerts: async () => [] } as unknown as AlertsRepository,
      { deadLetters: async () => [], forHospital: read } as unknown as SignalsReader,
      { evaluateIntervalMs: 0, deadLetterQueues: [] },
    );

    const evaluation = evaluator.evaluateOnce();
    await expectEventually(() => expect(read).toHaveBeenCalled());
    const shutdown = evaluator.beforeApplicationShutdown();
    answer?.({}); // the first hospital's services answer (or time out); the others are never asked
    await shutdown;
    await evaluation;
    expect(read).toHaveBeenCalledTimes(1);
  });
});
