import { DomainError } from '@bridge/contracts';
import { normalizeRules } from './alert-rule.settings';

describe('alert rule settings', () => {
  it('fills defaults, orders days and holidays, and sorts rules by kind', () => {
    expect(
      normalizeRules([
        {
          kind: 'siu-file-missing',
          closedDays: ['sun', 'sat'],
          holidays: ['2026-12-26', '2026-12-25', '2026-12-25'],
        },
        { kind: 'dead-letters' },
      ]),
    ).toEqual([
      { kind: 'dead-letters' },
      {
        kind: 'siu-file-missing',
        graceMinutes: 30,
        closedDays: ['sat', 'sun'],
        holidays: ['2026-12-25', '2026-12-26'],
      },
    ]);
  });

  it('refuses settings of another kind, a kind twice and hours that close before they open, naming each field', () => {
    let refused: unknown;
    try {
      normalizeRules([
        { kind: 'hospital-unreachable', threshold: 0.3 },
        { kind: 'listener-silent', openingHours: '18:00-08:00' },
        { kind: 'hospital-unreachable' },
      ]);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe('VALIDATION_FAILED');
    expect((refused as DomainError).details?.errors?.map((error) => error.field)).toEqual([
      'rules.0.threshold',
      'rules.1.openingHours',
      'rules.2.kind',
    ]);
  });
});
