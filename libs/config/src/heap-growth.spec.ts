import { setFlagsFromString } from 'node:v8';
import { applyHeapGrowth, STREAMING_HEAP_GROWTH_PERCENT, heapGrowthPercent } from './heap-growth';
import { ConfigError } from './load-config';
import { runService } from './run-service';

// V8's flags cannot be read back, and setting one changes this test process's own heap: the call is what is checked.
jest.mock('node:v8', () => ({ setFlagsFromString: jest.fn() }));

describe('HEAP_GROWTH_PERCENT', () => {
  beforeEach(() => jest.mocked(setFlagsFromString).mockClear());

  it("grows a streaming process's heap by 100 % and leaves another V8 its own choice, unless told otherwise", () => {
    expect(STREAMING_HEAP_GROWTH_PERCENT).toBe(100);
    applyHeapGrowth(STREAMING_HEAP_GROWTH_PERCENT, {});
    expect(setFlagsFromString).toHaveBeenCalledWith('--heap-growing-percent=100');
    jest.mocked(setFlagsFromString).mockClear();
    applyHeapGrowth(0, {});
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });

  it('takes the percent given, and leaves V8 its own choice at 0', () => {
    applyHeapGrowth(0, { HEAP_GROWTH_PERCENT: '50' });
    expect(setFlagsFromString).toHaveBeenCalledWith('--heap-growing-percent=50');
    jest.mocked(setFlagsFromString).mockClear();
    applyHeapGrowth(STREAMING_HEAP_GROWTH_PERCENT, { HEAP_GROWTH_PERCENT: '0' });
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });

  it('refuses a value that is not a whole percent from 0 to 1000, naming the variable', () => {
    for (const value of ['-1', '1.5', '1001', 'fast', '1e2x']) {
      expect(() => heapGrowthPercent(value, 0)).toThrow(ConfigError);
      expect(() => heapGrowthPercent(value, 0)).toThrow(/HEAP_GROWTH_PERCENT/);
    }
    expect(() => applyHeapGrowth(100, { HEAP_GROWTH_PERCENT: 'fast' })).toThrow(ConfigError);
    expect(setFlagsFromString).not.toHaveBeenCalled();
    expect(heapGrowthPercent(' ', 100)).toBe(100);
    expect(heapGrowthPercent('1000', 0)).toBe(1000);
  });

  it("runService starts a service with the heap growth it is given, else V8's own choice", async () => {
    const previous = process.env.HEAP_GROWTH_PERCENT;
    delete process.env.HEAP_GROWTH_PERCENT;
    try {
      runService('siu-ingestor', async () => undefined, { heapGrowthPercent: STREAMING_HEAP_GROWTH_PERCENT });
      expect(setFlagsFromString).toHaveBeenCalledWith('--heap-growing-percent=100');
      jest.mocked(setFlagsFromString).mockClear();
      runService('gateway', async () => undefined);
      expect(setFlagsFromString).not.toHaveBeenCalled();
    } finally {
      if (previous !== undefined) process.env.HEAP_GROWTH_PERCENT = previous;
    }
  });
});
