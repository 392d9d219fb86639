import { BUSY_LOOKS, RelayPace } from './relay-pace';

describe('RelayPace', () => {
  const fastMs = 100;
  const idleMs = 1000;

  it('looks at the idle pace until work is seen', () => {
    expect(new RelayPace({ fastMs, idleMs }).waitAt(5_000)).toBe(idleMs);
  });

  it('looks at the fast pace for BUSY_LOOKS fast looks after the last work, then at the idle pace again', () => {
    const pace = new RelayPace({ fastMs, idleMs });
    pace.worked(5_000);
    expect(pace.waitAt(5_000)).toBe(fastMs);
    expect(pace.waitAt(5_000 + BUSY_LOOKS * fastMs - 1)).toBe(fastMs);
    expect(pace.waitAt(5_000 + BUSY_LOOKS * fastMs)).toBe(idleMs);
  });

  it('counts the window from the latest work', () => {
    const pace = new RelayPace({ fastMs, idleMs });
    pace.worked(5_000);
    pace.worked(6_000);
    expect(pace.waitAt(5_000 + BUSY_LOOKS * fastMs)).toBe(fastMs);
    expect(pace.waitAt(6_000 + BUSY_LOOKS * fastMs)).toBe(idleMs);
  });

  it('never looks less often when idle than when busy', () => {
    expect(new RelayPace({ fastMs: 1000, idleMs: 100 }).waitAt(0)).toBe(1000);
  });
});
