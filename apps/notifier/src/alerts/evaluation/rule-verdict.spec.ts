import type { AlertRuleV1 } from '@bridge/contracts';
import { verdictOf, type HospitalSignals } from './rule-verdict';

const NOW = new Date('2026-01-14T10:00:00Z'); // Wednesday, 11:00 in Brussels
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const outcomes = (...oks: boolean[]) => oks.map((ok, i) => ({ at: minutesAgo(i + 1), ok }));

describe('rule verdicts', () => {
  it('dead-letters: failing while the hospital has any, ok at none, unknown when they could not be counted', () => {
    const rule: AlertRuleV1 = { kind: 'dead-letters' };
    expect(
      verdictOf(rule, { deadLetters: [{ queue: 'siu-ingestor.process', count: 2 }] }, NOW),
    ).toMatchObject({
      state: 'failing',
      detail: expect.stringContaining('siu-ingestor.process.dlq (2)'),
    });
    expect(verdictOf(rule, { deadLetters: [] }, NOW)).toEqual({ state: 'ok' });
    expect(verdictOf(rule, {}, NOW)).toEqual({ state: 'unknown' });
  });

  it('siu-file-missing: a file since the owed fire time is ok, an older one is not; no connection owes nothing', () => {
    const rule: AlertRuleV1 = { kind: 'siu-file-missing', graceMinutes: 30, closedDays: [], holidays: [] };
    const siu = { configured: true, listener: false, schedule: '0 6 * * *', timezone: 'Europe/Brussels' };
    // Owed: today 06:00 Brussels = 05:00 UTC.
    expect(verdictOf(rule, { siu: { ...siu, lastFileAt: '2026-01-14T05:00:01Z' } }, NOW)).toEqual({
      state: 'ok',
    });
    expect(verdictOf(rule, { siu: { ...siu, lastFileAt: '2026-01-13T05:00:01Z' } }, NOW)).toMatchObject({
      state: 'failing',
      detail: expect.stringContaining('2026-01-14T05:00:00.000Z'),
    });
    // Closed on Wednesdays: Tuesday's file is all that is owed.
    expect(
      verdictOf(
        { ...rule, closedDays: ['wed'] },
        { siu: { ...siu, lastFileAt: '2026-01-13T05:00:01Z' } },
        NOW,
      ),
    ).toEqual({ state: 'ok' });
    expect(verdictOf(rule, { siu: { configured: false, listener: false } }, NOW)).toEqual({ state: 'ok' });
    expect(verdictOf(rule, {}, NOW)).toEqual({ state: 'unknown' });
  });

  it('hospital-unreachable: N failures in a row open, the newest success resolves, fewer change nothing', () => {
    const rule: AlertRuleV1 = { kind: 'hospital-unreachable', consecutiveFailures: 3 };
    expect(verdictOf(rule, { exchanges: outcomes(false, false, false, true) }, NOW).state).toBe('failing');
    expect(verdictOf(rule, { exchanges: outcomes(false, false, true) }, NOW).state).toBe('unknown');
    expect(verdictOf(rule, { exchanges: outcomes(true, false, false, false) }, NOW).state).toBe('ok');
    expect(verdictOf(rule, { exchanges: [] }, NOW).state).toBe('ok');
  });

  it('error-rate: judged only on enough exchanges in the window', () => {
    const rule: AlertRuleV1 = { kind: 'error-rate', threshold: 0.5, windowMinutes: 15, minMessages: 4 };
    expect(verdictOf(rule, { exchanges: outcomes(false, false, true, true) }, NOW).state).toBe('failing');
    expect(verdictOf(rule, { exchanges: outcomes(false, true, true, true) }, NOW).state).toBe('ok');
    expect(verdictOf(rule, { exchanges: outcomes(false, false, false) }, NOW).state).toBe('unknown');
    const old = outcomes(false, false, false, false).map((exchange) => ({ ...exchange, at: minutesAgo(60) }));
    expect(verdictOf(rule, { exchanges: old }, NOW).state).toBe('ok');
  });

  it('listener-silent: only during opening hours, and only once open for longer than the silence', () => {
    const rule: AlertRuleV1 = {
      kind: 'listener-silent',
      openingHours: '07:00-19:00',
      days: ['wed'],
      silentMinutes: 60,
    };
    const signals = (lastInboundAt?: string): HospitalSignals => ({
      siu: { configured: true, listener: true, timezone: 'Europe/Brussels' },
      listenerKnown: true,
      lastInboundAt,
    });
    expect(verdictOf(rule, signals(minutesAgo(90)), NOW).state).toBe('failing');
    expect(verdictOf(rule, signals(minutesAgo(10)), NOW).state).toBe('ok');
    // 07:30 in Brussels: open for only 30 minutes.
    expect(verdictOf(rule, signals(minutesAgo(600)), new Date('2026-01-14T06:30:00Z')).state).toBe('unknown');
    // Closed on Thursdays: silence is expected, an open alert waits for a message.
    expect(verdictOf(rule, signals(minutesAgo(90)), new Date('2026-01-15T10:00:00Z')).state).toBe('unknown');
    expect(
      verdictOf(rule, { ...signals(minutesAgo(90)), siu: { configured: true, listener: false } }, NOW).state,
    ).toBe('ok');
  });
});
