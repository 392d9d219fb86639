import { DomainError } from '@bridge/contracts';
import { assertValidBaseline } from './baseline';

const knee = {
  key: 'knee-replacement',
  baseline: [
    { key: 'surgeryDate', type: 'date' as const, required: true },
    { key: 'appointmentDate', type: 'datetime' as const, required: false },
    { key: 'weightKg', type: 'number' as const, required: false },
    { key: 'side', type: 'string' as const, required: false },
  ],
};

function problems(baseline: Record<string, unknown>): string[] {
  try {
    assertValidBaseline(knee, baseline);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('BASELINE_INVALID');
    return ((error as DomainError).details?.errors ?? []).map((e) => e.field);
  }
}

describe('assertValidBaseline', () => {
  it('accepts a complete, well-formed baseline', () => {
    expect(
      problems({
        surgeryDate: '2026-12-01',
        appointmentDate: '2026-11-30T08:15',
        weightKg: '82.5',
        side: 'L',
      }),
    ).toEqual([]);
  });

  it('reports a missing or empty required field', () => {
    expect(problems({ side: 'L' })).toEqual(['baseline.surgeryDate']);
    expect(problems({ surgeryDate: '' })).toEqual(['baseline.surgeryDate']);
  });

  it('reports every wrong format, non-string and unknown key together', () => {
    expect(
      problems({
        surgeryDate: '01/12/2026',
        appointmentDate: '2026-11-30',
        weightKg: 82,
        colour: 'red',
      }).sort(),
    ).toEqual(['baseline.appointmentDate', 'baseline.colour', 'baseline.surgeryDate', 'baseline.weightKg']);
  });
});
